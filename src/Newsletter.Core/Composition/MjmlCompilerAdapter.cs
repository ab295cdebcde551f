using Newsletter.Mjml;

namespace Newsletter.Core.Composition;

/// <summary><see cref="IMjmlCompiler"/> on our own <see cref="MjmlCompiler"/> with mjml's defaults (soft validation).</summary>
public sealed class MjmlCompilerAdapter : IMjmlCompiler
{
    private readonly MjmlCompiler _compiler = new();

    public MjmlOutput Compile(string mjml)
    {
        var result = _compiler.Compile(mjml);
        return new MjmlOutput(result.Rejected ? null : result.Html, [.. result.Errors.Select(e => e.ToString())]);
    }
}
