using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Newsletter.Testing;

/// <summary>
/// The official mjml 5.4.1 in one warm node process (the corpus's <c>tools/mjml-server.js</c>: JSON lines on
/// stdin/stdout), for checking our compiler's output on templates the corpus does not hold.
/// </summary>
public sealed class MjmlReference : IDisposable
{
    private readonly Process _node;
    private int _id;

    public MjmlReference()
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(TestEnvironment.MjmlCorpusDirectory, "tools", "mjml-server.js"));
        start.Environment["NODE_PATH"] = TestEnvironment.MjmlNodeModules;
        _node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
    }

    /// <summary>mjml2html(mjml, { validationLevel: 'soft', beautify: false, minify: false }).html</summary>
    public string Render(string mjml)
    {
        var request = new JsonObject { ["id"] = ++_id, ["mjml"] = mjml, ["options"] = new JsonObject { ["validationLevel"] = "soft" } };
        _node.StandardInput.WriteLine(request.ToJsonString());
        _node.StandardInput.Flush();
        var read = _node.StandardOutput.ReadLineAsync();
        if (!read.Wait(TimeSpan.FromSeconds(60)) || read.Result is null)
        {
            throw new InvalidOperationException($"mjml did not answer: {_node.StandardError.ReadToEnd()}");
        }
        var reply = JsonNode.Parse(read.Result)!;
        return reply["error"] is { } error
            ? throw new InvalidOperationException($"mjml threw: {error}")
            : reply["html"]!.GetValue<string>();
    }

    public void Dispose()
    {
        try
        {
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000))
            {
                _node.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _node.Dispose();
    }
}
