using System.ComponentModel;
using System.Text;
using Newsletter.Mjml;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter mjml &lt;in.mjml&gt;…</c>: compile MJML to HTML with our mjml 5.4.1-compatible compiler, like the mjml CLI.</summary>
internal static class MjmlCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<MjmlCommand>("mjml")
            .WithDescription(Texts.Get("cli.mjml.mjml.description"))
            .WithExample("mjml", "templates/bulletin.mjml", "-o", "preview/bulletin.html")
            .WithExample("mjml", "a.mjml", "b.mjml", "-o", "out/", "--validation", "strict");
}

internal sealed class MjmlSettings : CommandSettings
{
    [CommandArgument(0, "<input>")]
    [Text("cli.mjml.inputs")]
    public string[] Inputs { get; init; } = [];

    [CommandOption("-o|--output <PATH>")]
    [Text("cli.mjml.output")]
    public string? Output { get; init; }

    [CommandOption("--validation <LEVEL>")]
    [Text("cli.mjml.validation")]
    [DefaultValue("soft")]
    public string Validation { get; init; } = "soft";

    [CommandOption("--minify")]
    [Text("cli.mjml.minify")]
    public bool Minify { get; init; }

    [CommandOption("--beautify")]
    [Text("cli.mjml.beautify")]
    public bool Beautify { get; init; }

    [CommandOption("--include-dir <DIR>")]
    [Text("cli.mjml.include_directory")]
    public string? IncludeDirectory { get; init; }

    public override ValidationResult Validate()
    {
        if (Inputs.Length == 0) return ValidationResult.Error(Texts.Get("cli.mjml.no_input"));
        if (ParseLevel(Validation) is null) return ValidationResult.Error(Texts.Format("cli.mjml.bad_validation", Validation));
        return ValidationResult.Success();
    }

    internal static MjmlValidationLevel? ParseLevel(string value) => value.ToLowerInvariant() switch
    {
        "soft" => MjmlValidationLevel.Soft,
        "strict" => MjmlValidationLevel.Strict,
        "skip" => MjmlValidationLevel.Skip,
        _ => null,
    };
}

internal sealed class MjmlCommand : AsyncCommand<MjmlSettings>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public override async Task<int> ExecuteAsync(CommandContext context, MjmlSettings settings, CancellationToken cancellationToken)
    {
        var toFolder = settings.Output is { } o && (o.EndsWith('/') || o.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(o));
        if (settings.Output is not null && !toFolder && settings.Inputs.Length > 1)
        {
            throw new UserErrorException(Texts.Format("cli.mjml.inputs_but_o_is", settings.Inputs.Length, settings.Output),
                Texts.Get("cli.hint.mjml_folder"));
        }
        foreach (var input in settings.Inputs)
        {
            if (!File.Exists(input)) throw new UserErrorException(Texts.Format("cli.mjml.no_such_file", input), Texts.Get("core.file.missing_hint"));
        }

        var options = new MjmlOptions
        {
            Validation = MjmlSettings.ParseLevel(settings.Validation)!.Value,
            Minify = settings.Minify,
            Beautify = settings.Beautify,
            IncludeDirectory = settings.IncludeDirectory is null ? null : Path.GetFullPath(settings.IncludeDirectory),
        };
        var compiler = new MjmlCompiler();
        var rejected = 0;
        foreach (var input in settings.Inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mjml = await ReadAsync(input, cancellationToken);
            var result = compiler.Compile(mjml, options);
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"{input}:{error.Line}: {error.Message} ({error.TagName})".ReplaceLineEndings(" "));
            }
            if (result.Rejected)
            {
                rejected++;
                Errors.Write(Texts.Format("cli.mjml.not_compiled", input), options.Validation == MjmlValidationLevel.Strict
                    ? Texts.Get("cli.mjml.fix_or_soft")
                    : Texts.Get("cli.mjml.fix_errors"));
                continue;
            }
            if (settings.Output is null)
            {
                await TerminalText.RawOut.WriteAsync(result.Html); // data, byte for byte
                continue;
            }
            var target = toFolder ? Path.Combine(settings.Output, Path.GetFileNameWithoutExtension(input) + ".html") : settings.Output;
            var folder = Path.GetDirectoryName(Path.GetFullPath(target));
            if (folder is not null) Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(target, result.Html, new UTF8Encoding(false), cancellationToken);
        }
        return rejected == 0 ? NewsletterApp.Ok : NewsletterApp.UserError;
    }

    /// <summary>
    /// UTF-8 as mjml (node) reads it: a BOM stays in the text, an invalid byte becomes U+FFFD. Input that is mostly not
    /// UTF-8 (more invalid sequences than valid multi-byte ones) and is valid GB18030 is read as GB18030 (GBK).
    /// </summary>
    private static async Task<string> ReadAsync(string path, CancellationToken cancellationToken) =>
        Decode(await File.ReadAllBytesAsync(path, cancellationToken));

    internal static string Decode(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
        }
        var (valid, invalid) = CountUtf8Sequences(bytes);
        if (invalid >= valid)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            var gb18030 = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            try
            {
                return gb18030.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                // Neither: damaged UTF-8 (e.g. a stray Windows-1252 byte), read as node reads it.
            }
        }
        return LenientUtf8.GetString(bytes);
    }

    /// <summary>How many non-ASCII UTF-8 sequences are valid, and how many invalid.</summary>
    private static (int Valid, int Invalid) CountUtf8Sequences(ReadOnlySpan<byte> bytes)
    {
        var (valid, invalid) = (0, 0);
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                invalid++;
            }
            else if (!rune.IsAscii)
            {
                valid++;
            }
            bytes = bytes[consumed..];
        }
        return (valid, invalid);
    }
}
