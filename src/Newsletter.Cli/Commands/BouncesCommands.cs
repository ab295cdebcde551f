using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Bounces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter bounces …</c>: returned mail — read it, fetch the return mailbox, list what was stored.</summary>
internal static class BouncesCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("bounces", b =>
        {
            b.SetDescription("Bounces, complaints and mailed unsubscribes from the return mailbox.");
            b.AddCommand<BouncesParseCommand>("parse").WithDescription("Say what returned messages are (no database): bounce, complaint, autoreply or other, per recipient.")
                .WithExample("bounces", "parse", "returned.eml").WithExample("bounces", "parse", "maildir/new", "--json");
            b.AddCommand<BouncesFetchCommand>("fetch").WithDescription("Read the return mailbox once (Bounces:Host …): apply the policy, move what was processed.")
                .WithExample("bounces", "fetch");
            b.AddCommand<BouncesListCommand>("list").WithDescription("List stored bounces and complaints, newest first.")
                .WithExample("bounces", "list", "--campaign", "3", "--class", "hard");
        });

    /// <summary>A campaign's bounce counts and latest rows (for <c>campaigns show</c>).</summary>
    internal static async Task<(BounceCounts Counts, IReadOnlyList<BounceRecord> Rows)> ForCampaignAsync(IServiceProvider services, long campaignId,
        int limit, CancellationToken ct)
    {
        var store = services.GetRequiredService<IBounceStore>();
        return (await store.CountForCampaignAsync(campaignId, ct), await store.ListAsync(new BounceQuery(CampaignId: campaignId, Limit: Math.Max(1, limit)), ct));
    }

    /// <summary>Prints a returned-mail line and table (nothing when there is none).</summary>
    internal static void Print(BounceCounts? counts, IReadOnlyList<BounceRecord> rows)
    {
        if (rows.Count == 0 && counts is null or { Hard: 0, Soft: 0, Complaints: 0 }) return;
        if (counts is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"returned mail: {counts.Hard} hard bounces, {counts.Soft} soft bounces, {counts.Complaints} complaints");
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("received").AddColumn("kind").AddColumn("class").AddColumn("address")
            .AddColumn("status").AddColumn("reason").AddColumn("campaign");
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.ReceivedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), r.Kind, r.Class.ToWord(),
                Markup.Escape(r.Address), Markup.Escape(r.Status), Markup.Escape(r.Reason), r.CampaignId?.ToString(CultureInfo.InvariantCulture) ?? "-");
        }
        AnsiConsole.Write(table);
    }

    internal static object Json(ReportRecipient r) => new
    {
        address = r.Address,
        status = r.Status,
        smtpCode = r.SmtpCode,
        @class = r.Class.ToWord(),
        reason = r.Reason,
    };
}

internal sealed class BouncesParseSettings : CommandSettings
{
    [CommandArgument(0, "<path>")]
    [Description("Message files (.eml, one message each) or folders of them.")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--json")]
    [Description("Print one JSON array with one object per message: file, kind and its recipients (address, status, smtpCode, class, reason).")]
    public bool Json { get; init; }
}

internal sealed class BouncesParseCommand : Command<BouncesParseSettings>
{
    public override int Execute(CommandContext context, BouncesParseSettings settings, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var path in settings.Paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new UserErrorException($"{path}: no such file or folder", "give .eml files or folders holding them");
            }
        }

        var parser = new BounceParser();
        var results = new List<(string File, BounceReport Report)>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BounceReport report;
            try
            {
                using var stream = File.OpenRead(file);
                report = parser.Parse(stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                report = BounceReport.OtherBecause("could not be read: " + e.Message);
            }
            results.Add((file, report));
        }

        if (settings.Json)
        {
            var json = results.Select(r => new
            {
                file = r.File,
                kind = r.Report.Kind.ToWord(),
                recipients = r.Report.Recipients.Select(BouncesCommands.Json),
            });
            Console.Out.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return NewsletterApp.Ok;
        }
        foreach (var (file, report) in results)
        {
            var note = report.Note.Length > 0 ? $" ({report.Note})" : "";
            Console.Out.WriteLine($"{file}: {report.Kind.ToWord()}{note}");
            foreach (var r in report.Recipients)
            {
                var code = r.SmtpCode?.ToString(CultureInfo.InvariantCulture) ?? "-";
                Console.Out.WriteLine($"  {r.Address}  {(r.Status.Length > 0 ? r.Status : "-")}  {code}  {r.Class.ToWord()}  {r.Reason}");
            }
        }
        return NewsletterApp.Ok;
    }
}

internal sealed class BouncesFetchCommand : AsyncCommand<GlobalSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            MailboxPass pass;
            try
            {
                pass = await services.GetRequiredService<IBounceMailbox>().RunOnceAsync(cancellationToken);
            }
            catch (BounceMailboxException e)
            {
                throw new UserErrorException(e.Message, "check Bounces:Protocol, Host, Port, Security, UserName, Password, Folder and ProcessedFolder");
            }
            Console.Out.WriteLine($"{pass.Read} messages read: {pass.Bounces} bounces, {pass.Complaints} complaints, {pass.Unsubscribes} unsubscribes, " +
                                  $"{pass.Ignored} other, {pass.Unmatched} recipients unmatched");
            foreach (var change in pass.Changes)
            {
                Console.Out.WriteLine("  " + change);
            }
            return NewsletterApp.Ok;
        });
}

internal sealed class BouncesListSettings : GlobalSettings
{
    [CommandOption("--campaign <ID>")]
    [Description("Only this campaign's.")]
    public long? Campaign { get; init; }

    [CommandOption("--class <CLASS>")]
    [Description("hard or soft (bounces only).")]
    public string? Class { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON.")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Class is not null && !BounceWords.TryParseClass(Class, out _)
            ? ValidationResult.Error($"--class '{Class}' is not hard or soft")
            : ValidationResult.Success();
}

internal sealed class BouncesListCommand : AsyncCommand<BouncesListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, BouncesListSettings settings, CancellationToken cancellationToken) =>
        SubscribersCommands.WithServicesAsync(settings, async services =>
        {
            BounceClass? cls = BounceWords.TryParseClass(settings.Class, out var c) ? c : null;
            var rows = await services.GetRequiredService<IBounceStore>().ListAsync(new BounceQuery(settings.Campaign, null, cls), cancellationToken);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(rows.Select(BounceJson), SubscribersCommands.Json));
                return NewsletterApp.Ok;
            }
            if (rows.Count == 0)
            {
                Console.Out.WriteLine("no bounces");
                return NewsletterApp.Ok;
            }
            var table = new Table().AddColumn("received").AddColumn("kind").AddColumn("class").AddColumn("address").AddColumn("status")
                .AddColumn("reason").AddColumn("campaign").AddColumn("matched by");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.ReceivedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), r.Kind, r.Class.ToWord(),
                    Markup.Escape(r.Address), Markup.Escape(r.Status), Markup.Escape(r.Reason),
                    r.CampaignId?.ToString(CultureInfo.InvariantCulture) ?? "-", r.MatchedBy);
            }
            SubscribersCommands.Out().Write(table);
            return NewsletterApp.Ok;
        });

    internal static object BounceJson(BounceRecord r) => new
    {
        r.Id,
        r.ReceivedAt,
        r.Kind,
        Class = r.Class.ToWord(),
        r.Address,
        r.Status,
        r.SmtpCode,
        r.Reason,
        r.Diagnostic,
        r.MatchedBy,
        r.CampaignId,
        r.SubscriberId,
        r.OutboxId,
    };
}
