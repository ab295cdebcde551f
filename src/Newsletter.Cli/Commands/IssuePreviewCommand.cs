using System.Diagnostics;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Cli.Commands;

internal sealed class IssuePreviewSettings : GlobalSettings
{
    [CommandArgument(0, "<issue>")]
    [Text("cli.issue_preview_command.issue")]
    public string Issue { get; init; } = "";

    [CommandOption("-o|--output <DIR>")]
    [Text("cli.issue_preview_command.output")]
    public string? Output { get; init; }

    [CommandOption("--segment <SEGMENT>")]
    [Text("cli.issue_preview_command.segment")]
    public string? Segment { get; init; }

    [CommandOption("--png")]
    [Text("cli.issue_preview_command.png")]
    public bool Png { get; init; }
}

/// <summary>
/// <c>newsletter issue preview</c>: writes each variant's HTML and text part, personalised with sample values,
/// and with <c>--png</c> desktop and phone screenshots.
/// </summary>
internal sealed class IssuePreviewCommand : AsyncCommand<IssuePreviewSettings>
{
    private static readonly int[] Widths = [600, 375];

    public override async Task<int> ExecuteAsync(CommandContext context, IssuePreviewSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var publisher = services.GetRequiredService<IssuePublisher>();
        var composer = services.GetRequiredService<BulletinComposer>();
        var (issue, known, _) = await publisher.LoadAsync(settings.Issue, cancellationToken);
        var segments = IssuePublisher.ResolveSegments(settings.Segment is { } one ? [one] : issue.Metadata.Audiences, known);
        var folder = Path.GetFullPath(settings.Output ?? Path.Combine(Previews.Folder, Path.GetFileNameWithoutExtension(settings.Issue)));
        Directory.CreateDirectory(folder);

        var chromium = settings.Png ? FindChromium() : null;
        foreach (var segment in segments)
        {
            var variant = composer.Compose(issue, IssuePublisher.Variant(segment, known));
            var html = Path.Combine(folder, segment + ".html");
            await File.WriteAllTextAsync(html, variant.Html.Render(RecipientValues.Sample, htmlEscape: true), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, segment + ".txt"), variant.Text.Render(RecipientValues.Sample, htmlEscape: false), cancellationToken);
            Say.Line("cli.issue_preview_command.html", segment, html, BulletinComposer.Size(variant.HtmlBytes));
            if (composer.SizeError(issue, variant) is { } tooLarge)
            {
                // A preview still shows what the editor has; publish refuses it.
                await Console.Error.WriteLineAsync($"warning: {tooLarge} (publish refuses it)".ReplaceLineEndings(" "));
            }
            if (chromium is not null)
            {
                foreach (var width in Widths)
                {
                    var png = Path.Combine(folder, $"{segment}-{width}.png");
                    await ScreenshotAsync(chromium, html, png, width, cancellationToken);
                    AnsiConsole.MarkupLineInterpolated($"{segment}: {png}");
                }
            }
        }
        return NewsletterApp.Ok;
    }

    private static string FindChromium()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("NEWSLETTER_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new UserErrorException(Texts.Get("cli.issue_preview_command.png_needs_chromium_which"), Texts.Get("cli.hint.install_chromium"));
    }

    private static async Task ScreenshotAsync(string chromium, string html, string png, int width, CancellationToken cancellationToken)
    {
        using var profile = new TempFolder();
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.Path}",
            // Tall enough for a whole bulletin: a narrow phone column makes the page several screens long.
            $"--window-size={width},{(width < 500 ? 16000 : 9000)}", $"--screenshot={png}", new Uri(html).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new UserErrorException(Texts.Format("cli.issue_preview_command.did_not_start", chromium), Texts.Get("cli.hint.check_chromium"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new UserErrorException(Texts.Format("cli.issue_preview_command.chromium_did_not_finish", html), Texts.Get("cli.hint.run_again_png"));
        }
        if (!File.Exists(png))
        {
            throw new UserErrorException(Texts.Format("cli.issue_preview_command.chromium_wrote_no_screenshot", html, (await stderr).Trim().Split('\n').LastOrDefault()),
                Texts.Get("cli.hint.chromium_headless"));
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("newsletter-chromium-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
