using BenchmarkDotNet.Attributes;
using Newsletter.Mjml;

namespace Newsletter.Benchmarks;

/// <summary>Compile time and allocations per template (soft validation, no minify, as the corpus goldens).</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private readonly MjmlCompiler _compiler = new();
    private string _mjml = "";

    public static IEnumerable<string> TemplateNames => Templates.Names;

    [ParamsSource(nameof(TemplateNames))]
    public string Template { get; set; } = "bulletin";

    [GlobalSetup]
    public void Setup() => _mjml = Templates.Load(Template);

    [Benchmark]
    public string Compile() => _compiler.Compile(_mjml).Html;
}
