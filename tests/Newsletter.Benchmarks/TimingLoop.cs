using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newsletter.Mjml;

namespace Newsletter.Benchmarks;

/// <summary>
/// One warm .NET process: for each file, warm-up compiles, then <c>iterations</c> timed compiles; prints
/// "<c>name&lt;TAB&gt;median-ms&lt;TAB&gt;min-ms</c>" per file (the same protocol as compare-mjml.js).
/// </summary>
public static class TimingLoop
{
    public static int Run(string[] args)
    {
        var iterations = int.Parse(args[0], CultureInfo.InvariantCulture);
        var compiler = new MjmlCompiler();
        var utf8 = new UTF8Encoding(false, false);
        var sources = args[1..].Select(f => utf8.GetString(File.ReadAllBytes(f))).ToList();
        // Warm-up over every template first, so no template is timed while the JIT is still tiering up.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var source in sources) compiler.Compile(source);
        }
        for (var f = 0; f < sources.Count; f++)
        {
            var file = args[1 + f];
            var mjml = sources[f];
            for (var i = 0; i < Math.Max(20, iterations / 5); i++) compiler.Compile(mjml);
            var samples = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                compiler.Compile(mjml);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}\t{samples[iterations / 2]:F4}\t{samples[0]:F4}"));
        }
        return 0;
    }
}
