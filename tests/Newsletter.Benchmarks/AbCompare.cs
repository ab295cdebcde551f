using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.Loader;
using Newsletter.Mjml;

namespace Newsletter.Benchmarks;

/// <summary>
/// <c>ab &lt;dir&gt;</c>: before/after pairs in one process: the Newsletter.Mjml.dll in &lt;dir&gt; (an older build, in its own
/// load context) against this build, on the benchmark templates, compiles alternating A B / B A per round after a
/// shared warm-up; prints per template the median ms (wall clock and process CPU time, as <see cref="TimingProtocol"/>
/// times them: on a loaded host the wall clock mostly measures preemption) and the allocated bytes per compile of each.
/// </summary>
public static class AbCompare
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !File.Exists(Path.Combine(args[0], "Newsletter.Mjml.dll")))
        {
            Console.Error.WriteLine("error: ab needs a folder holding the baseline Newsletter.Mjml.dll — usage: ab <dir> [--rounds N (30)]");
            return 2;
        }
        var rounds = args.Length >= 3 && args[1] == "--rounds" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var context = new AssemblyLoadContext("baseline");
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(args[0], "Newsletter.Mjml.dll")));
        var baseline = CompileFunction(Activator.CreateInstance(assembly.GetType("Newsletter.Mjml.MjmlCompiler")!)!);
        var current = CompileFunction(new MjmlCompiler());
        var work = Directory.CreateTempSubdirectory("ab-mjml-");
        try
        {
            var templates = Templates.All(work.FullName);
            var sides = new[] { baseline, current };
            var warm = Stopwatch.StartNew();
            do
            {
                foreach (var t in templates)
                {
                    foreach (var side in sides) side(t.Source);
                }
            }
            while (warm.Elapsed.TotalSeconds < 3);

            var ms = new double[2][][];
            var cpu = new double[2][][];
            var bytes = new long[2][];
            for (var s = 0; s < 2; s++)
            {
                ms[s] = templates.Select(_ => new double[rounds]).ToArray();
                cpu[s] = templates.Select(_ => new double[rounds]).ToArray();
                bytes[s] = new long[templates.Count];
            }
            for (var r = 0; r < rounds; r++)
            {
                for (var i = 0; i < templates.Count; i++)
                {
                    for (var k = 0; k < 2; k++)
                    {
                        var s = (r + k) % 2; // A B in even rounds, B A in odd ones
                        var allocated = GC.GetAllocatedBytesForCurrentThread();
                        var cpuStart = Environment.CpuUsage.TotalTime;
                        var start = Stopwatch.GetTimestamp();
                        sides[s](templates[i].Source);
                        ms[s][i][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                        cpu[s][i][r] = (Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds;
                        bytes[s][i] += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    }
                }
            }
            var ci = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(ci, $"{rounds} rounds, baseline {args[0]}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            Console.WriteLine(string.Create(ci,
                $"{"template",-36} {"before ms",9} {"after ms",9} {"speed-up",8}   {"CPU before",10} {"CPU after",9} {"speed-up",8}   {"before KB",9} {"after KB",9}"));
            var speedups = new List<double>();
            var cpuSpeedups = new List<double>();
            for (var i = 0; i < templates.Count; i++)
            {
                var before = TimingProtocol.Median(ms[0][i]);
                var after = TimingProtocol.Median(ms[1][i]);
                var cpuBefore = TimingProtocol.Median(cpu[0][i]);
                var cpuAfter = TimingProtocol.Median(cpu[1][i]);
                speedups.Add(before / after);
                cpuSpeedups.Add(cpuBefore / cpuAfter);
                Console.WriteLine(string.Create(ci,
                    $"{templates[i].Key,-36} {before,9:F3} {after,9:F3} {before / after,7:F2}x   {cpuBefore,10:F3} {cpuAfter,9:F3} {cpuBefore / cpuAfter,7:F2}x   {bytes[0][i] / rounds / 1024.0,9:F0} {bytes[1][i] / rounds / 1024.0,9:F0}"));
            }
            Console.WriteLine(string.Create(ci,
                $"median speed-up {TimingProtocol.Median(speedups):F2}x wall, {TimingProtocol.Median(cpuSpeedups):F2}x CPU; sums of the medians, CPU: before {cpu[0].Sum(TimingProtocol.Median):F1} ms, after {cpu[1].Sum(TimingProtocol.Median):F1} ms; bytes per compile, all templates: before {bytes[0].Sum() / rounds / templates.Count / 1024.0:F0} KB, after {bytes[1].Sum() / rounds / templates.Count / 1024.0:F0} KB (mean)"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>compiler.Compile(source, null) as a delegate, for a compiler of either load context.</summary>
    private static Func<string, object> CompileFunction(object compiler)
    {
        var type = compiler.GetType();
        var method = type.GetMethods().Single(m => m.Name == "Compile" && m.GetParameters().Length == 2);
        var source = Expression.Parameter(typeof(string));
        var call = Expression.Call(Expression.Constant(compiler), method, source, Expression.Constant(null, method.GetParameters()[1].ParameterType));
        return Expression.Lambda<Func<string, object>>(Expression.Convert(call, typeof(object)), source).Compile();
    }
}
