namespace Newsletter.Core.Issues;

/// <summary>"Did you mean …?" for misspelt keys, audiences and industries.</summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidate closest to <paramref name="value"/> (case-insensitive edit distance), when it is close enough to be
    /// a likely typo: at most 1 edit for short words, at most a third of the length for longer ones.
    /// </summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        var lowered = value.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        var allowed = Math.Max(1, Math.Min(value.Length, best?.Length ?? 0) / 3);
        return best is not null && bestDistance <= allowed ? best : null;
    }

    /// <summary>" — did you mean 'x'?" style hint text, or <paramref name="fallback"/>.</summary>
    public static string Hint(string value, IEnumerable<string> candidates, string fallback) =>
        Closest(value, candidates) is { } close ? Localization.Texts.Format("core.did_you_mean", close) : fallback;

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
