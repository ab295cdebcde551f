namespace Newsletter.Core.Composition;

/// <summary>What composition needs of an MJML compiler (declared here; <see cref="MjmlCompilerAdapter"/> fills it).</summary>
public interface IMjmlCompiler
{
    /// <summary>Compiles MJML; <see cref="MjmlOutput.Html"/> is null when the input was rejected.</summary>
    MjmlOutput Compile(string mjml);
}

/// <summary>HTML (null when rejected) and the validation errors as "line N: message".</summary>
public sealed record MjmlOutput(string? Html, IReadOnlyList<string> Errors);
