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
        foreach (var file in args[1..])
        {
            var mjml = utf8.GetString(File.ReadAllBytes(file));
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
