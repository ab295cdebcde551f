using BenchmarkDotNet.Running;
using Newsletter.Benchmarks;

// `timing <iterations> <file>...` is the warm loop compare-mjml.sh runs; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "timing")
{
    return TimingLoop.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(CompileBenchmarks).Assembly).Run(args);
return 0;
