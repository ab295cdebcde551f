using Microsoft.Extensions.Configuration;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Core.Delivery;
using Newsletter.Data;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// The synthetic sample lists, <c>subscribers/&lt;segment&gt;.csv</c> of the installation (setting <c>Samples:Directory</c>),
/// loaded only on purpose: by <c>subscribers load-samples</c>, or by the Quick start's demo — a <c>publish</c> into the
/// pickup folder, with no database configured, that has just created the embedded store itself. Never into a
/// database someone configured or filled, never by <c>send-test</c> or <c>schedule</c>, never for a real (SMTP) send.
/// </summary>
internal static class SampleSubscribers
{
    /// <summary>The setting naming the folder of the sample lists (relative: to the installation).</summary>
    public const string SettingName = "Samples:Directory";

    /// <summary>The default folder, in the installation (the checkout).</summary>
    public const string Folder = "subscribers";

    /// <summary>The sample lists' folder: <see cref="SettingName"/>, else <c>subscribers/</c> of the installation.</summary>
    public static string Directory(IServiceProvider services) =>
        services.GetRequiredService<NewsletterHome>().Installed(
            services.GetRequiredService<IConfiguration>()[SettingName] is { Length: > 0 } configured ? configured : Folder);

    /// <summary>The Quick start's demo: loads the samples when (and only when) the conditions in the type's summary hold.</summary>
    public static async Task LoadForDemoAsync(IServiceProvider services, CancellationToken ct)
    {
        var database = services.GetRequiredService<NewsletterDatabase>();
        if (!database.IsNewDefaultStore || services.GetRequiredService<DeliveryOptions>().Transport != TransportKind.Pickup
            || !System.IO.Directory.Exists(Directory(services))
            || await services.GetRequiredService<ISubscriberStore>().CountAllAsync(ct) > 0)
        {
            return;
        }
        var loaded = await LoadAsync(services, Directory(services), ct);
        if (loaded > 0)
        {
            // Loud, in short lines: Spectre wraps at the terminal's width.
            AnsiConsole.MarkupLine(Texts.Get("cli.sample_subscribers.demo_this_new_database"));
            Say.Line("cli.sample_subscribers.sample_lists_were_loaded", loaded, Directory(services));
            AnsiConsole.MarkupLine(Texts.Get("cli.sample_subscribers.for_real_lists_newsletter"));
        }
    }

    /// <summary>Imports every <c>*.csv</c> of <paramref name="folder"/> into the segment its name gives; returns how many were imported.</summary>
    public static async Task<long> LoadAsync(IServiceProvider services, string folder, CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            throw new UserErrorException(Texts.Format("cli.sample_subscribers.sample_lists_folder_not", folder), Texts.Format("cli.sample_subscribers.set_to_the_folder", SettingName));
        }
        var importer = services.GetRequiredService<SubscriberImporter>();
        long total = 0;
        foreach (var file in System.IO.Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal))
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
                throw new UserErrorException($"{file}: {string.Join(Texts.Get("core.separator.clause"), summary.Errors)}", Texts.Get("cli.hint.sample_list"));
            }
            Say.Line("cli.sample_subscribers.loaded_sample_subscribers_from", summary.Imported, file);
            total += summary.Imported;
        }
        return total;
    }
}
