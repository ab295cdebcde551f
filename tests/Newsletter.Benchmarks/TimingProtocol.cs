using System.Diagnostics;
using System.Globalization;
using Newsletter.Mjml;

namespace Newsletter.Benchmarks;

/// <summary>
/// The timing protocol, the same as compare-mjml.js's line for line so both sides are timed the same way, in one warm
/// process: (1) warm-up: every template in turn until the process has used <c>warmup</c> seconds of CPU (at least one pass);
/// (2) interleaved: <c>rounds</c> rounds of every template once, each compile timed, and the process CPU time of the
/// whole phase; (3) per-template loops: for each template, <c>iterations / 5</c> (≥ 3) untimed compiles, then
/// <c>iterations</c> timed ones in a row. Each compile is timed twice: wall clock and process CPU time (getrusage on
/// both sides, µs resolution; CPU time leaves out the time the process waited for a core on a loaded machine).
/// Medians of the samples; the .NET side also counts allocated bytes per compile.
/// </summary>
public static class TimingProtocol
{
    /// <summary>Medians per template key: wall ms and process CPU ms per compile, for each method; CpuMs/WallMs: the interleaved phase.</summary>
    public sealed record Result(
        Dictionary<string, double> Interleaved, Dictionary<string, double> InterleavedCpu, Dictionary<string, double> Loop,
        Dictionary<string, double> LoopCpu, Dictionary<string, long> Bytes, double CpuMs, double WallMs);

    private static double CpuMs() => Environment.CpuUsage.TotalTime.TotalMilliseconds;

    public static Result Run(IReadOnlyList<BenchTemplate> templates, int rounds, int iterations, double warmupSeconds)
    {
        var compiler = new MjmlCompiler();
        // Warm-up in CPU seconds, not wall seconds: on a loaded host a wall-clock warm-up ends before the JIT (or V8)
        // has finished optimising, and that side is then timed half-warm.
        var warm = CpuMs();
        do
        {
            foreach (var t in templates) compiler.Compile(t.Source);
        }
        while (CpuMs() - warm < warmupSeconds * 1000);

        var samples = templates.Select(_ => new double[rounds]).ToArray();
        var cpuSamples = templates.Select(_ => new double[rounds]).ToArray();
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < templates.Count; i++)
            {
                var cpuStart = CpuMs();
                var start = Stopwatch.GetTimestamp();
                compiler.Compile(templates[i].Source);
                samples[i][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                cpuSamples[i][r] = CpuMs() - cpuStart;
            }
        }
        var wallMs = wall.Elapsed.TotalMilliseconds;
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
        var interleaved = new Dictionary<string, double>();
        var interleavedCpu = new Dictionary<string, double>();
        for (var i = 0; i < templates.Count; i++)
        {
            interleaved[templates[i].Key] = Median(samples[i]);
            interleavedCpu[templates[i].Key] = Median(cpuSamples[i]);
        }

        var loop = new Dictionary<string, double>();
        var loopCpu = new Dictionary<string, double>();
        var bytes = new Dictionary<string, long>();
        foreach (var t in templates)
        {
            for (var i = 0; i < Math.Max(3, iterations / 5); i++) compiler.Compile(t.Source);
            var s = new double[iterations];
            var c = new double[iterations];
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                var cpuStart = CpuMs();
                var start = Stopwatch.GetTimestamp();
                compiler.Compile(t.Source);
                s[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                c[i] = CpuMs() - cpuStart;
            }
            bytes[t.Key] = (GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations;
            loop[t.Key] = Median(s);
            loopCpu[t.Key] = Median(c);
        }
        return new(interleaved, interleavedCpu, loop, loopCpu, bytes, cpuMs, wallMs);
    }

    /// <summary>The median, the mean of the two middle samples for an even count (as compare-mjml.js).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var a = values.Order().ToArray();
        return a.Length == 0 ? double.NaN : (a[(a.Length - 1) / 2] + a[a.Length / 2]) / 2;
    }

    /// <summary>Reads compare-mjml.js's output: "interleaved|loop TAB key TAB wall-ms TAB cpu-ms" lines, then "cpu TAB ms" and "wall TAB ms".</summary>
    public static Result Parse(IEnumerable<string> lines)
    {
        var interleaved = new Dictionary<string, double>();
        var loop = new Dictionary<string, double>();
        var interleavedCpu = new Dictionary<string, double>();
        var loopCpu = new Dictionary<string, double>();
        double cpu = double.NaN, wall = double.NaN;
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            double V(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            switch (f[0])
            {
                case "interleaved": interleaved[f[1]] = V(2); interleavedCpu[f[1]] = V(3); break;
                case "loop": loop[f[1]] = V(2); loopCpu[f[1]] = V(3); break;
                case "cpu": cpu = V(1); break;
                case "wall": wall = V(1); break;
            }
        }
        return new(interleaved, interleavedCpu, loop, loopCpu, [], cpu, wall);
    }
}
