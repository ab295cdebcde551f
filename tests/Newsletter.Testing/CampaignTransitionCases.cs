namespace Newsletter.Testing;

/// <summary>
/// What an administrator's pause, resume and cancel answer for a campaign in each state — the same through the CLI
/// and the web, since both only adapt <c>CampaignLifecycle</c>. Written out here (not read from the lifecycle's
/// table) so a change of the rules has to change this file too.
/// </summary>
/// <remarks>
/// <c>answer</c>: <c>done</c> (the state changed), <c>unchanged</c> (nothing to do and nothing wrong), <c>refused</c>.
/// <c>after</c>: the state once the host is done with it; a resumed campaign is sent to the pickup folder, so it ends
/// completed.
/// </remarks>
public static class CampaignTransitionCases
{
    public static IReadOnlyList<string> States { get; } = ["scheduled", "running", "paused", "completed", "cancelled", "missed"];

    public static IReadOnlyList<string> Actions { get; } = ["pause", "resume", "cancel"];

    /// <summary>(state, action) → (answer, state after).</summary>
    public static IReadOnlyDictionary<(string State, string Action), (string Answer, string After)> Expected { get; } =
        new Dictionary<(string, string), (string, string)>
        {
            [("scheduled", "pause")] = ("done", "paused"),
            [("scheduled", "resume")] = ("done", "completed"),
            [("scheduled", "cancel")] = ("done", "cancelled"),
            [("running", "pause")] = ("done", "paused"),
            [("running", "resume")] = ("done", "completed"),
            [("running", "cancel")] = ("done", "cancelled"),
            [("paused", "pause")] = ("refused", "paused"),
            [("paused", "resume")] = ("done", "completed"),
            [("paused", "cancel")] = ("done", "cancelled"),
            [("completed", "pause")] = ("refused", "completed"),
            [("completed", "resume")] = ("unchanged", "completed"),
            [("completed", "cancel")] = ("refused", "completed"),
            [("cancelled", "pause")] = ("refused", "cancelled"),
            [("cancelled", "resume")] = ("refused", "cancelled"),
            [("cancelled", "cancel")] = ("refused", "cancelled"),
            [("missed", "pause")] = ("refused", "missed"),
            [("missed", "resume")] = ("done", "completed"),
            [("missed", "cancel")] = ("done", "cancelled"),
        };

    /// <summary>The table as lines, <c>state action → answer, after</c>, for one readable comparison.</summary>
    public static string Format(IReadOnlyDictionary<(string State, string Action), (string Answer, string After)> table) =>
        string.Join("\n", States.SelectMany(s => Actions.Select(a =>
            $"{s} {a} → " + (table.TryGetValue((s, a), out var r) ? $"{r.Answer}, {r.After}" : "(not run)"))));
}
