using System.Globalization;
using System.Text;
using Newsletter.Core.Bounces;
using Newsletter.Testing;
using Xunit.Abstractions;

namespace Newsletter.Core.Tests.Bounces;

/// <summary>
/// The parser over a real-world corpus: messages from sisimai/set-of-emails (BSD licence, see corpus/LICENSE) with
/// sisimai's own expected results per file (corpus/expected.tsv, taken from p5-sisimai's t/*.t: file, status, reply
/// code, reason, hardbounce, feedback type — one line per recipient). The figures are printed and quoted in README.
/// </summary>
public sealed class BounceCorpusTests(ITestOutputHelper output)
{
    private static readonly string Corpus = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Newsletter.Core.Tests", "Bounces", "corpus");

    private sealed record Expected(string File, string Status, string ReplyCode, string Reason, bool Hard, string FeedbackType);

    private static List<Expected> ReadExpected() =>
        File.ReadAllLines(Path.Combine(Corpus, "expected.tsv"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new Expected(f[0], f[1], f[2], f[3], f[4] == "1", f.Length > 5 ? f[5] : ""))
            .ToList();

    [Fact]
    public void Corpus_meets_the_done_when_figures()
    {
        var parser = new BounceParser();
        var expected = ReadExpected();
        var files = Directory.GetFiles(Corpus, "*.eml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 150, $"corpus has only {files.Count} messages");

        int failedExpected = 0, failedFound = 0, classExpected = 0, classAgreed = 0, arfExpected = 0, arfFound = 0;
        var wrongHard = new List<string>();
        var misses = new StringBuilder();
        foreach (var file in files)
        {
            var report = parser.Parse(File.ReadAllBytes(Path.Combine(Corpus, file!)));
            var rows = expected.Where(e => e.File == file).ToList();
            var failures = rows.Where(r => r.Reason is not ("feedback" or "vacation" or "delivered")).ToList();
            var hardFound = report.Recipients.Where(r => r.Class == BounceClass.Hard).ToList();

            if (rows.Count == 0 || rows.All(r => r.Reason is "vacation" or "delivered"))
            {
                // Auto-replies, delivery-success notices and ordinary mail: never a hard bounce.
                if (report.Kind == ReportKind.Bounce && hardFound.Count > 0) wrongHard.Add($"{file}: {report.Recipients[0]}");
                continue;
            }
            if (rows.Any(r => r.Reason == "feedback"))
            {
                arfExpected += rows.Count;
                var found = report.Kind == ReportKind.Complaint ? Math.Min(report.Recipients.Count, rows.Count) : 0;
                arfFound += found;
                if (found < rows.Count) misses.AppendLine(CultureInfo.InvariantCulture, $"ARF  {file}: {report.Kind} {report.Recipients.Count}/{rows.Count} {report.Note}");
                continue;
            }

            failedExpected += failures.Count;
            classExpected += failures.Count;
            var got = report.Kind == ReportKind.Bounce ? report.Recipients : [];
            failedFound += Math.Min(got.Count, failures.Count);
            if (got.Count < failures.Count)
            {
                misses.AppendLine(CultureInfo.InvariantCulture, $"MISS {file}: {report.Kind} {got.Count}/{failures.Count} {report.Note}");
            }
            // Pair in order (a report lists its recipients in one order); with one expected class, compare all to it.
            for (var i = 0; i < failures.Count && i < got.Count; i++)
            {
                var want = failures.Count == 1 || failures.All(f => f.Hard == failures[0].Hard) ? failures[0].Hard : failures[i].Hard;
                if ((got[i].Class == BounceClass.Hard) == want) classAgreed++;
                else misses.AppendLine(CultureInfo.InvariantCulture,
                    $"CLASS {file}: want {(want ? "hard" : "soft")} ({failures[Math.Min(i, failures.Count - 1)].Reason} {failures[0].Status}) got {got[i].Class} {got[i].Reason} {got[i].Status} «{got[i].Diagnostic[..Math.Min(120, got[i].Diagnostic.Length)]}»");
            }
        }

        double Pct(int a, int b) => b == 0 ? 100 : 100.0 * a / b;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"corpus: {files.Count} messages; failed addresses found {failedFound}/{failedExpected} = {Pct(failedFound, failedExpected):F1} %; " +
            $"class as sisimai {classAgreed}/{classExpected} = {Pct(classAgreed, classExpected):F1} %; " +
            $"ARF complaints {arfFound}/{arfExpected} = {Pct(arfFound, arfExpected):F1} %; " +
            $"auto-reply/success/ordinary mail taken for a hard bounce: {wrongHard.Count}");
        output.WriteLine(summary);
        output.WriteLine(misses.ToString());
        if (Environment.GetEnvironmentVariable("NEWSLETTER_BOUNCE_CORPUS_REPORT") is { Length: > 0 } path)
        {
            File.WriteAllText(path, summary + "\n" + misses);
        }

        Assert.Empty(wrongHard);
        Assert.True(Pct(failedFound, failedExpected) >= 95, summary);
        Assert.True(Pct(classAgreed, classExpected) >= 90, summary);
        Assert.True(Pct(arfFound, arfExpected) >= 90, summary);
    }
}
