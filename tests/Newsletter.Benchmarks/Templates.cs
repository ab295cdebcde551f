using System.Text;

namespace Newsletter.Benchmarks;

/// <summary>The benchmark inputs: the bulletin-sized template here and a representative subset of the mjml corpus.</summary>
public static class Templates
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Names: "bulletin" or a corpus entry such as "mjmlnet-bench/Austin".</summary>
    public static readonly string[] Names =
    [
        "bulletin",
        "mjmlnet-bench/Austin",
        "mjmlnet-bench/Amario",
        "mjmlnet-bench/OnePage",
        "mjmlnet-bench/ManyHeroes",
        "mjmlnet-tests/newsletter",
        "mjmlnet-tests/ticketshop",
        "mrml-compare/mj-section-background-url",
    ];

    public static string Load(string name)
    {
        if (name == "bulletin") return Utf8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Templates", "bulletin.mjml")));
        return Utf8.GetString(File.ReadAllBytes(Path.Combine(CorpusDirectory(), name + ".mjml")));
    }

    public static string CorpusDirectory()
    {
        if (Environment.GetEnvironmentVariable("NEWSLETTER_SHARED") is { Length: > 0 } shared) return Path.Combine(shared, "mjml-corpus");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Newsletter.sln"))) return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "mjml-corpus"));
        }
        throw new InvalidOperationException("Newsletter.sln not found; set NEWSLETTER_SHARED.");
    }
}
