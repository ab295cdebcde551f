using System.Globalization;
using Newsletter.Core.Localization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Newsletter.Core.Issues;

/// <summary>
/// The YAML front matter of an issue: between a first line <c>---</c> and the next line <c>---</c> (or <c>...</c>).
/// Known keys are <see cref="Keys"/>; unknown keys are kept with their lines for the validator to reject.
/// </summary>
public static class FrontMatter
{
    /// <summary>The keys an issue's front matter may have.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["title", "number", "date", "publisher", "audiences", "subject", "preheader", "sample"];

    private static string YamlHint => Texts.Get("core.frontmatter.yaml_hint");

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日"];

    /// <summary>The outcome of reading the front matter.</summary>
    /// <param name="Metadata">Null when the front matter could not be read at all.</param>
    /// <param name="BodyStartLine">0-based index of the first body line (after the closing <c>---</c>).</param>
    /// <param name="Errors">Mistakes in the front matter.</param>
    internal sealed record Result(IssueMetadata? Metadata, int BodyStartLine, IReadOnlyList<SourceError> Errors);

    /// <summary>Reads the front matter at the top of <paramref name="lines"/> (none is fine: defaults, no audiences).</summary>
    internal static Result Read(IReadOnlyList<string> lines, string path)
    {
        // Blank lines above the front matter are forgiven: they are invisible in an editor.
        var open = 0;
        while (open < lines.Count && string.IsNullOrWhiteSpace(lines[open]))
        {
            open++;
        }
        if (open == lines.Count || lines[open].TrimEnd() != "---")
        {
            return new Result(Defaults() with { Lines = new IssueMetadataLines(1, [], []) }, 0, []);
        }

        var close = -1;
        for (var i = open + 1; i < lines.Count; i++)
        {
            var trimmed = lines[i].TrimEnd();
            if (trimmed is "---" or "...")
            {
                close = i;
                break;
            }
        }
        if (close < 0)
        {
            return new Result(null, 0, [new SourceError(path, open + 1, Texts.Get("core.frontmatter.unclosed"),
                Texts.Get("core.frontmatter.unclosed_hint"))]);
        }

        // Keep the lines above the YAML as blank ones so YAML's line numbers stay the file's (less the opening ---).
        var yaml = string.Join('\n', Enumerable.Repeat("", open).Concat(lines.Skip(open + 1).Take(close - open - 1)));
        var errors = new List<SourceError>();
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            // YAML lines are 1-based from the line after the opening ---.
            var line = (int)Math.Max(1, e.Start.Line) + 1;
            return new Result(null, close + 1, [new SourceError(path, line, Texts.Format("core.frontmatter.not_yaml_detail", Plain(e)),
                YamlHint)]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Some malformed input (an unclosed [ list, for one) makes YamlDotNet fail without a position.
            return new Result(null, close + 1, [new SourceError(path, open + 1, Texts.Get("core.frontmatter.not_yaml"), YamlHint)]);
        }

        var reader = new Reader(path, errors);
        var metadata = root switch
        {
            null => Defaults(),
            YamlScalarNode { Value: null or "" } => Defaults(),
            YamlMappingNode mapping => reader.ReadMapping(mapping),
            _ => null,
        };
        if (metadata is null)
        {
            errors.Add(new SourceError(path, open + 2, Texts.Get("core.frontmatter.not_mapping"),
                Texts.Get("core.frontmatter.not_mapping_hint")));
            return new Result(null, close + 1, errors);
        }
        return new Result(metadata with { Lines = new IssueMetadataLines(open + 1, reader.KeyLines, reader.AudienceLines) },
            close + 1, errors);
    }

    private static IssueMetadata Defaults() =>
        new(IssueMetadata.DefaultTitle, null, null, null, [], null, null, false);

    private static string Plain(YamlException e)
    {
        // YamlDotNet prefixes "(Line: 2, Col: 1, Idx: 9) - (…): " — our own position says it better.
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private sealed class Reader(string path, List<SourceError> errors)
    {
        public List<FrontMatterKey> KeyLines { get; } = [];
        public List<int> AudienceLines { get; } = [];

        public IssueMetadata ReadMapping(YamlMappingNode mapping)
        {
            var metadata = Defaults();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var line = LineOf(keyNode);
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                KeyLines.Add(new FrontMatterKey(key, line));
                if (!seen.Add(key))
                {
                    errors.Add(new SourceError(path, line, Texts.Format("core.frontmatter.twice", key), Texts.Get("core.frontmatter.twice_hint")));
                    continue;
                }
                metadata = key switch
                {
                    "title" => metadata with { Title = Scalar(key, value) ?? "" },
                    "number" => metadata with { Number = Blank(Scalar(key, value)) },
                    "date" => metadata with { Date = Date(value) },
                    "publisher" => metadata with { Publisher = Blank(Scalar(key, value)) },
                    "audiences" => metadata with { Audiences = Audiences(value) },
                    "subject" => metadata with { Subject = Blank(Scalar(key, value)) },
                    "preheader" => metadata with { Preheader = Blank(Scalar(key, value)) },
                    "sample" => metadata with { IsSample = Boolean(key, value) },
                    _ => metadata, // unknown keys: kept in KeyLines, rejected by IssueValidator with a suggestion
                };
            }
            return metadata;
        }

        private static int LineOf(YamlNode node) => (int)node.Start.Line + 1;

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private string? Scalar(string key, YamlNode value)
        {
            if (value is YamlScalarNode scalar)
            {
                return scalar.Value?.Trim();
            }
            errors.Add(new SourceError(path, LineOf(value), Texts.Format("core.frontmatter.not_scalar", key),
                Texts.Format("core.frontmatter.not_scalar_hint", key)));
            return null;
        }

        private DateOnly? Date(YamlNode value)
        {
            var text = Blank(Scalar("date", value));
            if (text is null)
            {
                return null;
            }
            if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }
            errors.Add(new SourceError(path, LineOf(value), Texts.Format("core.frontmatter.not_a_date", text),
                Texts.Get("core.frontmatter.not_a_date_hint")));
            return null;
        }

        private bool Boolean(string key, YamlNode value)
        {
            var text = Scalar(key, value)?.ToLowerInvariant();
            switch (text)
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off" or "" or "~" or null:
                    return false;
                default:
                    errors.Add(new SourceError(path, LineOf(value), Texts.Format("core.frontmatter.not_boolean", key, text),
                        Texts.Format("core.frontmatter.not_boolean_hint", key)));
                    return false;
            }
        }

        private IReadOnlyList<string> Audiences(YamlNode value)
        {
            var audiences = new List<string>();
            switch (value)
            {
                case YamlScalarNode scalar:
                    foreach (var item in ListSyntax.Split(scalar.Value ?? ""))
                    {
                        audiences.Add(item);
                        AudienceLines.Add(LineOf(scalar));
                    }
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } text } && !string.IsNullOrWhiteSpace(text))
                        {
                            audiences.Add(text.Trim());
                            AudienceLines.Add(LineOf(item));
                        }
                        else
                        {
                            errors.Add(new SourceError(path, LineOf(item), Texts.Get("core.frontmatter.audience_item"),
                                Texts.Get("core.frontmatter.audiences_hint")));
                        }
                    }
                    break;
                default:
                    errors.Add(new SourceError(path, LineOf(value), Texts.Get("core.frontmatter.audiences_not_list"),
                        Texts.Get("core.frontmatter.audiences_hint")));
                    break;
            }
            return audiences;
        }
    }
}
