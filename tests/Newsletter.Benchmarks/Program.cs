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
BenchmarkSwitcher.FromAssembly(typeof(CompileBenchmarks).Assembly).Run(args);
return 0;
