using BenchmarkDotNet.Running;
using Newsletter.Benchmarks;

// `compare …`: mjml 5.4.1 vs ours by one protocol (compare-mjml.sh runs it); `ab <dir>`: an older build of ours
// against this one, in one process (compare-mjml.sh --ab REV); `outputs <dir>`: every benchmark
// template's HTML to <dir>, to check that a refactoring left the output byte-identical; else BenchmarkDotNet.
if (args.Length > 0 && args[0] == "compare")
{
    return CompareMjml.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "ab")
{
    return AbCompare.Run(args[1..]);
}
if (args.Length == 2 && args[0] == "outputs")
{
    var compiler = new Newsletter.Mjml.MjmlCompiler();
    var ids = 0;
    // Counted ids instead of random ones (mj-carousel, mj-navbar), so two runs can be compared byte for byte.
    var options = new Newsletter.Mjml.MjmlOptions { IdGenerator = () => (++ids).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) };
    var work = Directory.CreateDirectory(args[1]).FullName;
    var corpus = Templates.CorpusDirectory();
    foreach (var file in Directory.GetFiles(corpus, "*.mjml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    {
        var name = Path.GetRelativePath(corpus, file).Replace('/', '_');
        var source = new System.Text.UTF8Encoding(false, false).GetString(File.ReadAllBytes(file));
        File.WriteAllText(Path.Combine(work, name + ".html"), compiler.Compile(source, options).Html);
    }
    File.WriteAllText(Path.Combine(work, "bulletin.html"), compiler.Compile(Templates.Bulletin(work).Source, options).Html);
    return 0;
}
if (args.Length >= 2 && args[0] == "loop")
{
    // `loop <name|all> [seconds]`: compiles the template(s) repeatedly, for a sampling profiler (dotnet-trace) to watch;
    // prints CPU, allocated bytes and collections per compile, counted after a warm-up of 3 s of process CPU (as
    // TimingProtocol's), so tiered compilation is done; runtime knobs (DOTNET_GC…) can be compared with it.
    var compiler = new Newsletter.Mjml.MjmlCompiler();
    var work = Directory.CreateTempSubdirectory("loop-mjml-");
    var sources = args[1] == "all" ? Templates.All(work.FullName).Select(t => t.Source).ToArray() : [Templates.Load(args[1])];
    var seconds = args.Length >= 3 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
    while (Environment.CpuUsage.TotalTime.TotalSeconds < 3)
    {
        foreach (var source in sources) compiler.Compile(source);
    }
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var cpu = Environment.CpuUsage.TotalTime;
    long compiles = 0;
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    var pause = GC.GetTotalPauseDuration();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        foreach (var source in sources) compiler.Compile(source);
        compiles += sources.Length;
    }
    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{compiles} compiles, {clock.Elapsed.TotalMilliseconds / compiles:F3} ms wall, {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / compiles:F3} ms CPU and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / compiles / 1024.0:F0} KB each; "
        + $"GCs gen0/1/2 {GC.CollectionCount(0) - collections[0]}/{GC.CollectionCount(1) - collections[1]}/{GC.CollectionCount(2) - collections[2]}, "
        + $"pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms in total"));
    work.Delete(recursive: true);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(CompileBenchmarks).Assembly).Run(args);
return 0;
