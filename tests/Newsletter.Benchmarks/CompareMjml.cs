using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Newsletter.Benchmarks;

/// <summary>
/// <c>compare</c>: times mjml 5.4.1 (one warm node process, compare-mjml.js) and our compiler (this warm process) by
/// the same <see cref="TimingProtocol"/> on the same templates, node first, then prints per template and per set the
/// ratios mjml ms / ours ms for interleaved rounds and per-template loops (wall clock and CPU time), the slowest template, CPU time and our
/// allocated bytes per compile. <c>--skip-node</c> times our side only (for runs with runtime knobs).
/// </summary>
public static class CompareMjml
{
    private const string Usage =
        "usage: compare [--quick] [--rounds N (30)] [--iterations N (30)] [--warmup SECONDS (3)] [--skip-node] [--node-modules DIR]";

    public static int Run(string[] args)
    {
        int rounds = 30, iterations = 30;
        double warmup = 3;
        var skipNode = false;
        var nodeModules = Environment.GetEnvironmentVariable("NEWSLETTER_TEST_MJML_NODE_MODULES");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": rounds = 10; iterations = 10; warmup = 1; break;
                case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iterations" when i + 1 < args.Length: iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup" when i + 1 < args.Length: warmup = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--skip-node": skipNode = true; break;
                case "--node-modules" when i + 1 < args.Length: nodeModules = args[++i]; break;
                default:
                    Console.Error.WriteLine($"error: unknown or incomplete option '{args[i]}' — {Usage}");
                    return 2;
            }
        }
        if (!skipNode && (nodeModules is null || !File.Exists(Path.Combine(nodeModules, "mjml", "package.json"))))
        {
            Console.Error.WriteLine($"error: mjml 5.4.1 not found in '{nodeModules}' — set NEWSLETTER_TEST_MJML_NODE_MODULES to a node_modules holding mjml@5.4.1, or pass --skip-node");
            return 1;
        }

        var work = Directory.CreateTempSubdirectory("compare-mjml-");
        try
        {
            var templates = Templates.All(work.FullName);
            Console.WriteLine(Machine(rounds, iterations, warmup, templates.Count));
            TimingProtocol.Result? node = null;
            if (!skipNode)
            {
                var list = Path.Combine(work.FullName, "templates.tsv");
                File.WriteAllLines(list, templates.Select(t => t.Key + "\t" + t.Path));
                node = RunNode(nodeModules!, rounds, iterations, warmup, list);
                if (node is null) return 1;
            }
            var ours = TimingProtocol.Run(templates, rounds, iterations, warmup);
            Report(templates, node, ours);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Machine(int rounds, int iterations, double warmup, int count)
    {
        var os = File.Exists("/etc/os-release")
            ? File.ReadAllLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} vCPU, {os ?? Environment.OSVersion.ToString()}, .NET {Environment.Version}, load average {load} at start; " +
            $"{count} templates, warm-up {warmup} CPU-s, {rounds} interleaved rounds, {iterations} iterations per template loop");
    }

    private static TimingProtocol.Result? RunNode(string nodeModules, int rounds, int iterations, double warmup, string list)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "compare-mjml.js");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { script, rounds.ToString(CultureInfo.InvariantCulture), iterations.ToString(CultureInfo.InvariantCulture), warmup.ToString(CultureInfo.InvariantCulture), list })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NODE_PATH"] = nodeModules;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"error: node compare-mjml.js exited with {process.ExitCode} — see its messages above");
            return null;
        }
        var version = ReadVersion(Path.Combine(nodeModules, "mjml", "package.json"));
        Console.WriteLine($"node side: mjml {version}, node {NodeVersion()}");
        return TimingProtocol.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string ReadVersion(string packageJson)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(packageJson));
        return doc.RootElement.GetProperty("version").GetString() ?? "?";
    }

    private static string NodeVersion()
    {
        using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        var v = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return v;
    }

    private static void Report(List<BenchTemplate> templates, TimingProtocol.Result? node, TimingProtocol.Result ours)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        var methods = new (string Name, Func<TimingProtocol.Result, Dictionary<string, double>> Get)[]
        {
            ("interleaved", r => r.Interleaved), ("interleaved CPU", r => r.InterleavedCpu), ("per-template", r => r.Loop), ("per-template CPU", r => r.LoopCpu),
        };
        sb.AppendLine();
        sb.AppendLine("per template: medians in ms (wall clock), ratio = mjml / ours for each method; KB = our allocated bytes per compile");
        sb.AppendLine(string.Create(ci, $"{"template",-34} {"mjml il",8} {"ours il",7} {"il",6} {"il cpu",6} {"mjml lp",8} {"ours lp",7} {"loop",6} {"lp cpu",6} {"KB",5}"));
        foreach (var t in templates)
        {
            var k = t.Key;
            sb.AppendLine(string.Create(ci,
                $"{k,-34} {Val(node?.Interleaved, k),8:F2} {ours.Interleaved[k],7:F3} {Ratio(node?.Interleaved, ours.Interleaved, k),6:F1} {Ratio(node?.InterleavedCpu, ours.InterleavedCpu, k),6:F1} {Val(node?.Loop, k),8:F2} {ours.Loop[k],7:F3} {Ratio(node?.Loop, ours.Loop, k),6:F1} {Ratio(node?.LoopCpu, ours.LoopCpu, k),6:F1} {ours.Bytes[k] / 1024.0,5:F0}"));
        }
        sb.AppendLine();
        sb.AppendLine("per set: median over its templates of the ratio mjml ms / ours ms, and the slowest template (the lowest ratio)");
        foreach (var set in Templates.CorpusSets.Append("bulletin").Append("all"))
        {
            var keys = templates.Where(t => set == "all" || t.Set == set).Select(t => t.Key).ToList();
            var kb = TimingProtocol.Median(keys.Select(k => ours.Bytes[k] / 1024.0));
            sb.AppendLine(string.Create(ci, $"{set} ({keys.Count} templates; ours allocates {kb:F0} KB per compile, median)"));
            foreach (var (name, get) in methods)
            {
                var median = RatioMedian(node is null ? null : get(node), get(ours), keys);
                var (slowest, slowestKey) = Slowest(node is null ? null : get(node), get(ours), keys);
                sb.AppendLine(string.Create(ci, $"  {name,-17} median {median,6:F1}x   slowest {slowest,6:F1}x {Short(slowestKey)}"));
            }
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(ci,
            $"ours, sum over the templates of the medians: interleaved {ours.Interleaved.Values.Sum():F2} ms ({ours.InterleavedCpu.Values.Sum():F2} ms CPU), per-template {ours.Loop.Values.Sum():F2} ms ({ours.LoopCpu.Values.Sum():F2} ms CPU)"));
        sb.AppendLine(string.Create(ci,
            $"interleaved phase, all templates: ours {ours.CpuMs:F0} ms CPU ({ours.WallMs:F0} ms wall); mjml {node?.CpuMs ?? double.NaN:F0} ms CPU ({node?.WallMs ?? double.NaN:F0} ms wall); total CPU ratio {(node?.CpuMs ?? double.NaN) / ours.CpuMs:F1}x"));
        sb.AppendLine(string.Create(ci, $"load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.Write(sb.ToString());
    }

    private static string Short(string? key) => key is null ? "-" : key.Replace("mjmlnet-", "", StringComparison.Ordinal);

    private static double Val(Dictionary<string, double>? d, string key) => d is not null && d.TryGetValue(key, out var v) ? v : double.NaN;

    private static double Ratio(Dictionary<string, double>? node, Dictionary<string, double> ours, string key) => Val(node, key) / ours[key];

    private static double RatioMedian(Dictionary<string, double>? node, Dictionary<string, double> ours, List<string> keys) =>
        TimingProtocol.Median(keys.Select(k => Ratio(node, ours, k)));

    private static (double Ratio, string? Key) Slowest(Dictionary<string, double>? node, Dictionary<string, double> ours, List<string> keys)
    {
        if (node is null) return (double.NaN, null);
        var key = keys.MinBy(k => Ratio(node, ours, k))!;
        return (Ratio(node, ours, key), key);
    }
}
