using Newsletter.Core.Diagnostics;

namespace Newsletter.Cli.Commands;

/// <summary><c>newsletter doctor</c>: the configuration check a real send needs (also on the web dashboard and in the send confirmation).</summary>
internal static class DoctorCommands
{
    public static void Register(IConfigurator config) =>
        config.AddCommand<DoctorCommand>("doctor")
            .WithDescription(Texts.Get("cli.doctor.doctor.description"))
            .WithExample("doctor")
            .WithExample("doctor", "--json");
}

internal sealed class DoctorSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Text("cli.doctor.json")]
    public bool Json { get; init; }
}

internal sealed class DoctorCommand : AsyncCommand<DoctorSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DoctorSettings settings, CancellationToken cancellationToken)
    {
        await using var services = AppServices.Build(settings);
        var report = await services.GetRequiredService<ConfigurationDoctor>().RunAsync(cancellationToken);
        if (settings.Json)
        {
            CampaignsCommands.WriteJson(new
            {
                ok = !report.HasErrors,
                findings = report.Findings.Select(f => new { check = f.Check, level = SendConfirmationPrompt.Level(f.Level), message = f.Message, fix = f.Fix }),
            });
        }
        else
        {
            foreach (var f in report.Findings)
            {
                // Plain lines, no markup: settings may hold brackets.
                Console.Out.WriteLine($"{SendConfirmationPrompt.Level(f.Level),-7} {f.Check,-11} {f.Message}{(f.Fix is { } fix ? " — " + fix : "")}");
            }
            Console.Out.WriteLine(report.Summary() + (report.HasErrors ? Texts.Get("cli.doctor.needs_fixing") : ""));
        }
        return report.HasErrors ? NewsletterApp.UserError : NewsletterApp.Ok;
    }
}
