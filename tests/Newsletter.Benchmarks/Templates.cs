using System.Text;
using Newsletter.Core.Composition;
using Newsletter.Core.Issues;

namespace Newsletter.Benchmarks;

/// <summary>One benchmark input: its set, its name inside the set, the file node reads and the text .NET compiles.</summary>
public sealed record BenchTemplate(string Set, string Name, string Path, string Source)
{
    public string Key => Set + "/" + Name;
}

/// <summary>
/// The benchmark inputs: the corpus' full-template sets (mjmlnet-bench, mjmlnet-tests) and our bulletin, composed from
/// templates/ and seeds/sample-issue.md by the real composer (Liquid), as <c>newsletter publish</c> would.
/// </summary>
public static class Templates
{
    /// <summary>The corpus sets of whole e-mails (mrml-compare holds one-feature fixtures, not e-mails).</summary>
    public static readonly string[] CorpusSets = ["mjmlnet-bench", "mjmlnet-tests"];

    // Node reads the files as UTF-8 text: a BOM stays as U+FEFF, invalid bytes become U+FFFD (corpus README).
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Names for BenchmarkDotNet: "bulletin" or a corpus entry such as "mjmlnet-bench/Austin".</summary>
    public static readonly string[] Names =
    [
        "bulletin",
        "mjmlnet-bench/Austin",
        "mjmlnet-bench/Amario",
        "mjmlnet-bench/UGGRoyale",
        "mjmlnet-tests/newsletter",
        "mjmlnet-tests/ticketshop",
    ];

    public static string Load(string name) =>
        name == "bulletin" ? Bulletin(Path.GetTempPath()).Source : Utf8.GetString(File.ReadAllBytes(Path.Combine(CorpusDirectory(), name + ".mjml")));

    /// <summary>Every template of <see cref="CorpusSets"/> (sorted by name) and the bulletin (written to <paramref name="workDirectory"/>).</summary>
    public static List<BenchTemplate> All(string workDirectory)
    {
        var corpus = CorpusDirectory();
        var list = new List<BenchTemplate>();
        foreach (var set in CorpusSets)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(corpus, set), "*.mjml").Order(StringComparer.Ordinal))
            {
                list.Add(new(set, System.IO.Path.GetFileNameWithoutExtension(file), file, Utf8.GetString(File.ReadAllBytes(file))));
            }
        }
        list.Add(Bulletin(workDirectory));
        return list;
    }

    /// <summary>The bulletin's MJML: the layout in templates/ filled from seeds/sample-issue.md, every section shown.</summary>
    public static BenchTemplate Bulletin(string workDirectory)
    {
        var root = RepositoryDirectory();
        var parsed = IssueLoader.Load(Path.Combine(root, "seeds", "sample-issue.md"));
        if (parsed.Issue is null) throw new InvalidOperationException("seeds/sample-issue.md: " + string.Join("; ", parsed.Errors));
        var composer = new BulletinComposer(new TemplateOptions { Directory = Path.Combine(root, "templates") }, new MjmlCompilerAdapter());
        // The variant that shows every section: the largest of the audience variants.
        var mjml = composer.RenderMjml(parsed.Issue, new IssueVariant("municipal", "市级领导", _ => true));
        var path = Path.Combine(workDirectory, "bulletin.mjml");
        File.WriteAllBytes(path, Utf8.GetBytes(mjml));
        return new("bulletin", "sample-issue", path, mjml);
    }

    public static string CorpusDirectory()
    {
        if (Environment.GetEnvironmentVariable("NEWSLETTER_SHARED") is { Length: > 0 } shared) return Path.Combine(shared, "mjml-corpus");
        // ../shared beside the clone, as the tests expect; a worktree may sit deeper, so look further up too.
        for (var dir = new DirectoryInfo(RepositoryDirectory()).Parent; dir is not null; dir = dir.Parent)
        {
            var corpus = Path.Combine(dir.FullName, "shared", "mjml-corpus");
            if (Directory.Exists(corpus)) return corpus;
        }
        throw new InvalidOperationException("the mjml corpus (../shared/mjml-corpus) is missing: set NEWSLETTER_SHARED to the shared folder");
    }

    private static string RepositoryDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Newsletter.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Newsletter.sln not found above " + AppContext.BaseDirectory);
    }
}
