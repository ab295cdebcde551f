using System.Text;
using System.Text.Json;
using Newsletter.Testing;

namespace Newsletter.Mjml.Tests.Corpus;

/// <summary>One input of the mjml 5.4.1 reference corpus with its golden files.</summary>
public sealed record CorpusEntry(string Name, string MjmlPath)
{
    private string Stem => MjmlPath[..^".mjml".Length];

    /// <summary>The input, read as node reads UTF-8 text: a BOM stays as U+FEFF, invalid bytes become U+FFFD.</summary>
    public string Mjml => Read(MjmlPath);

    public string? ExpectedHtml => File.Exists(Stem + ".expected.html") ? Read(Stem + ".expected.html") : null;

    public bool Throws => File.Exists(Stem + ".throws.txt");

    /// <summary>mjml's soft validation errors, "line|tag|message".</summary>
    public IReadOnlyList<string> ExpectedErrors
    {
        get
        {
            var path = Stem + ".errors.json";
            if (!File.Exists(path)) return [];
            using var doc = JsonDocument.Parse(Read(path));
            return doc.RootElement.EnumerateArray()
                .Select(e => $"{e.GetProperty("line").GetInt32()}|{e.GetProperty("tagName").GetString()}|{e.GetProperty("message").GetString()}")
                .ToList();
        }
    }

    public override string ToString() => Name;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static string Read(string path) => Utf8.GetString(File.ReadAllBytes(path));
}

/// <summary>Finds the corpus beside the repository (never copied into it).</summary>
public static class MjmlCorpus
{
    public static IReadOnlyList<CorpusEntry> All()
    {
        var root = TestEnvironment.MjmlCorpusDirectory;
        if (!Directory.Exists(root))
        {
            throw new InvalidOperationException($"The mjml corpus is missing at {root}: set NEWSLETTER_SHARED to the shared folder.");
        }
        return Directory.GetFiles(root, "*.mjml", SearchOption.AllDirectories)
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "tools" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => new CorpusEntry(Path.GetRelativePath(root, p)[..^".mjml".Length].Replace('\\', '/'), p))
            .ToList();
    }

    public static CorpusEntry Get(string name) => All().Single(e => e.Name == name);

    public static IEnumerable<object[]> Names(string folder) =>
        All().Where(e => e.Name.StartsWith(folder + "/", StringComparison.Ordinal)).Select(e => new object[] { e.Name });
}
