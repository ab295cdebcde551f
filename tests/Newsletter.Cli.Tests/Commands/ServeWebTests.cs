using System.Diagnostics;
using System.Net;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary><c>newsletter serve</c> hosts the web admin and the public pages beside the scheduler.</summary>
[Slow]
public sealed class ServeWebTests
{
    [Fact]
    public async Task Serve_answers_health_and_the_sign_in_page_on_the_given_url()
    {
        using var workspace = CliProcess.NewWorkspace();
        var port = SmtpSink.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workspace.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Newsletter.Cli.dll"));
        foreach (var arg in new[] { "serve", "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        CliProcess.UseWorkspaceAsHome(start, workspace.Path);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            HttpResponseMessage? health = null;
            for (var attempt = 0; attempt < 120 && health?.StatusCode != HttpStatusCode.OK && !process.HasExited; attempt++)
            {
                await Task.Delay(500);
                try
                {
                    health = await client.GetAsync("/healthz");
                }
                catch (HttpRequestException)
                {
                }
            }
            Assert.False(process.HasExited, "serve exited: " + (process.HasExited ? await stderr : ""));
            Assert.Equal(HttpStatusCode.OK, health?.StatusCode);

            var login = await client.GetStringAsync("/Account/Login");
            Assert.Contains("登录", login);
            // HttpClient follows the redirect of an anonymous request to the sign-in page.
            var admin = await client.GetAsync("/Subscribers");
            Assert.Contains("/Account/Login", admin.RequestMessage!.RequestUri!.ToString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
