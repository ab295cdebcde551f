namespace Newsletter.Mjml;

/// <summary>How strictly the input is validated against the components' rules (mjml's validationLevel).</summary>
public enum MjmlValidationLevel
{
    /// <summary>Validation errors are reported with the output (mjml's default).</summary>
    Soft,

    /// <summary>Any validation error rejects the input: no HTML.</summary>
    Strict,

    /// <summary>No validation.</summary>
    Skip,
}

/// <summary>Options of one compilation. Immutable; the defaults are mjml 5.4.1's API defaults.</summary>
public sealed record MjmlOptions
{
    /// <summary>The defaults: soft validation, comments kept, no minify, no beautify, mj-include off.</summary>
    public static MjmlOptions Default { get; } = new();

    /// <summary>Validation level; default <see cref="MjmlValidationLevel.Soft"/>.</summary>
    public MjmlValidationLevel Validation { get; init; } = MjmlValidationLevel.Soft;

    /// <summary>Keep the source's HTML comments in the output; default true, like mjml.</summary>
    public bool KeepComments { get; init; } = true;

    /// <summary>Collapse whitespace between tags and inside CSS; default false.</summary>
    public bool Minify { get; init; }

    /// <summary>Indent the output one element per line; default false (ignored when <see cref="Minify"/> is set).</summary>
    public bool Beautify { get; init; }

    /// <summary>
    /// The folder mj-include may read from. Null (the default) disables mj-include: the tags are dropped, as mjml does
    /// with its default <c>ignoreIncludes</c>. When set, paths resolve relative to the including file (the folder itself
    /// for the top-level input) and must stay inside this folder: absolute paths, drive letters, UNC paths, NUL bytes and
    /// anything that escapes the folder (also through symbolic links) are denied.
    /// </summary>
    public string? IncludeDirectory { get; init; }

    /// <summary>Produces the 16-hex-digit ids of mj-carousel, mj-navbar and mj-accordion; null means random, like mjml.</summary>
    public Func<string>? IdGenerator { get; init; }
}
