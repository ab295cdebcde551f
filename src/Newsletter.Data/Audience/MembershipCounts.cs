using System.Data.Common;

namespace Newsletter.Data.Audience;

/// <summary>
/// Segment memberships inserted by an import on SQLite, counted in memory and added to <c>segment_counts</c> once per
/// batch — instead of the per-row trigger, which the session drops for its transaction (and puts back before the
/// commit). PostgreSQL needs none of this: its count triggers run once per statement (migration 0900).
/// </summary>
internal sealed class MembershipCounts
{
    private readonly Dictionary<(string Segment, string Status), long> _added = [];

    public void Add(string segment, string status) =>
        _added[(segment, status)] = _added.GetValueOrDefault((segment, status)) + 1;

    public async Task FlushAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        if (_added.Count == 0) return;
        await using var upsert = connection.Command(
            "INSERT INTO segment_counts (segment_key, status, n) VALUES (@k, @s, @n) " +
            "ON CONFLICT (segment_key, status) DO UPDATE SET n = segment_counts.n + excluded.n", transaction);
        foreach (var ((segment, status), n) in _added)
        {
            await upsert.With("@k", segment).With("@s", status).With("@n", n).ExecuteNonQueryAsync(ct);
        }
        _added.Clear();
    }
}
