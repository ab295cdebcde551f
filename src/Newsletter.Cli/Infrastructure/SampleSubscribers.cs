using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Spectre.Console;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// First-run convenience: when the store holds no subscriber at all, loads <c>subscribers/*.csv</c> (one file per
/// segment, named by its key). Once anyone was imported, nothing is loaded behind the admin's back.
/// </summary>
internal static class SampleSubscribers
{
    public const string Folder = "subscribers";

    public static async Task LoadIfEmptyAsync(ISubscriberStore store, SubscriberImporter importer, CancellationToken ct)
    {
        if (await store.CountAllAsync(ct) > 0 || !Directory.Exists(Folder))
        {
            return;
        }
        var files = Directory.GetFiles(Folder, "*.csv").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var segment = Path.GetFileNameWithoutExtension(file);
            var summary = await importer.ImportAsync(file, new ImportOptions
            {
                Segment = segment,
                Source = "sample:" + Path.GetFileName(file),
                RejectsPath = Path.Combine(Path.GetTempPath(), $"newsletter-{segment}.rejects.csv"),
            }, ct);
            if (!summary.Succeeded)
            {
                throw new UserErrorException($"{file}: {string.Join("; ", summary.Errors)}", "fix the sample list or import your own with `newsletter subscribers import`");
            }
            AnsiConsole.MarkupLineInterpolated($"[grey]first run: loaded {summary.Imported} sample subscribers from {file}[/]");
        }
    }
}
