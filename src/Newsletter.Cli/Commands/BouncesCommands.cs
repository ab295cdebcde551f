using System.Globalization;
using System.Text.Json;
using Newsletter.Core.Bounces;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter bounces …</c>: returned mail — read it, fetch the return mailbox, list what was stored.</summary>
internal static class BouncesCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("bounces", b =>
        {
            b.SetDescription(Texts.Get("cli.bounces.bounces.description"));
            b.AddCommand<BouncesParseCommand>("parse").WithDescription(Texts.Get("cli.bounces.parse.description"))
                .WithExample("bounces", "parse", "returned.eml").WithExample("bounces", "parse", "maildir/new", "--json");
            b.AddCommand<BouncesFetchCommand>("fetch").WithDescription(Texts.Get("cli.bounces.fetch.description"))
                .WithExample("bounces", "fetch");
            b.AddCommand<BouncesListCommand>("list").WithDescription(Texts.Get("cli.bounces.list.description"))
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
            Say.Line("cli.bounces.returned_mail_hard_bounces", counts.Hard, counts.Soft, counts.Complaints);
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn(Texts.Get("cli.bounces.received")).AddColumn(Texts.Get("cli.bounces.kind")).AddColumn(Texts.Get("cli.bounces.class_2")).AddColumn(Texts.Get("cli.bounces.address"))
            .AddColumn(Texts.Get("cli.bounces.status")).AddColumn(Texts.Get("cli.bounces.reason")).AddColumn(Texts.Get("cli.bounces.campaign_2"));
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
    [Text("cli.bounces.paths")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--json")]
    [Text("cli.bounces.json")]
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
                throw new UserErrorException(Texts.Format("cli.bounces.no_such_file_or", path), Texts.Get("cli.hint.eml_files"));
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
                report = BounceReport.OtherBecause(Texts.Format("cli.bounces.unreadable", e.Message));
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
                throw new UserErrorException(e.Message, Texts.Get("cli.bounces.check_bounces_protocol_host"));
            }
            Console.Out.WriteLine(Texts.Format("cli.bounces.pass_summary", pass.Read, pass.Bounces, pass.Complaints, pass.Unsubscribes, pass.Ignored, pass.Unmatched));
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
    [Text("cli.bounces.campaign")]
    public long? Campaign { get; init; }

    [CommandOption("--class <CLASS>")]
    [Text("cli.bounces.class")]
    public string? Class { get; init; }

    [CommandOption("--json")]
    [Text("cli.bounces.json_2")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Class is not null && !BounceWords.TryParseClass(Class, out _)
            ? ValidationResult.Error(Texts.Format("cli.bounces.bad_class", Class))
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
                Console.Out.WriteLine(Texts.Get("cli.bounces.none"));
                return NewsletterApp.Ok;
            }
            var table = new Table().AddColumn(Texts.Get("cli.bounces.received")).AddColumn(Texts.Get("cli.bounces.kind")).AddColumn(Texts.Get("cli.bounces.class_2")).AddColumn(Texts.Get("cli.bounces.address")).AddColumn(Texts.Get("cli.bounces.status"))
                .AddColumn(Texts.Get("cli.bounces.reason")).AddColumn(Texts.Get("cli.bounces.campaign_2")).AddColumn(Texts.Get("cli.bounces.matched_by"));
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
