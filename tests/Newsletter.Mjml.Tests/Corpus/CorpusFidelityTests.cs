using System.Globalization;
using Newsletter.Testing;
using Xunit.Abstractions;

namespace Newsletter.Mjml.Tests.Corpus;

/// <summary>Our output against mjml 5.4.1's on the whole reference corpus.</summary>
[Slow]
public sealed class CorpusFidelityTests(ITestOutputHelper output)
{
    /// <summary>
    /// The committed number of corpus entries whose output equals mjml's (rejected inputs count when we reject them
    /// too). Raise it as the compiler improves; every entry below it is listed in KNOWN_DIFFERENCES.md.
    /// </summary>
    private const int Baseline = 200;

    private static readonly MjmlCompiler Compiler = new();

    [Fact]
    public void Corpus_outputs_equal_mjml_541_at_least_the_baseline()
    {
        var entries = MjmlCorpus.All();
        Assert.Equal(200, entries.Count);
        var equal = 0;
        var failures = new List<string>();
        foreach (var entry in entries)
        {
            var result = Compiler.Compile(entry.Mjml);
            if (entry.Throws)
            {
                if (result.Rejected) equal++;
                else failures.Add($"{entry.Name}: mjml rejects it, we did not");
                continue;
            }
            var comparison = HtmlComparer.Compare(entry.ExpectedHtml!, result.Html);
            if (comparison.Equal) equal++;
            else failures.Add($"{entry.Name}: {comparison}");
        }
        output.WriteLine($"{equal}/{entries.Count} equal");
        foreach (var failure in failures) output.WriteLine(failure);
        Console.WriteLine($"[mjml corpus] {equal}/{entries.Count} equal");
        Assert.True(equal >= Baseline, $"{equal}/{entries.Count} equal, below the baseline {Baseline}:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void Soft_validation_errors_match_mjml_541_on_every_entry()
    {
        var mismatches = new List<string>();
        foreach (var entry in MjmlCorpus.All())
        {
            if (entry.Throws) continue;
            var result = Compiler.Compile(entry.Mjml);
            var actual = result.Errors.Select(e => $"{e.Line}|{e.TagName}|{e.Message}").ToList();
            if (!actual.SequenceEqual(entry.ExpectedErrors))
            {
                mismatches.Add($"{entry.Name}:\n  expected: {string.Join("; ", entry.ExpectedErrors)}\n  actual:   {string.Join("; ", actual)}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void Inputs_mjml_rejects_are_rejected_with_its_message()
    {
        var throwing = MjmlCorpus.All().Where(e => e.Throws).ToList();
        Assert.Equal(2, throwing.Count);
        foreach (var entry in throwing)
        {
            var result = Compiler.Compile(entry.Mjml);
            Assert.True(result.Rejected, entry.Name);
            Assert.Equal("", result.Html);
            Assert.Contains(result.Errors, e => e.Message.StartsWith("Malformed MJML", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("de-DE")]
    public void Output_does_not_depend_on_the_current_culture(string culture)
    {
        var entries = MjmlCorpus.All().Where(e => !e.Throws && e.Name.StartsWith("mjmlnet-", StringComparison.Ordinal)).ToList();
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var reference = entries.Select(e => Compiler.Compile(e.Mjml, Deterministic).Html).ToList();
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            for (var i = 0; i < entries.Count; i++)
            {
                Assert.Equal(reference[i], Compiler.Compile(entries[i].Mjml, Deterministic).Html);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static readonly MjmlOptions Deterministic = new() { IdGenerator = () => "0123456789abcdef" };
}
