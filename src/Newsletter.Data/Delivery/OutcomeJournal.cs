using System.Buffers;
using System.Text.Json;

using Newsletter.Core.Delivery;

namespace Newsletter.Data.Delivery;

/// <summary>
/// The outcomes of one run that are not committed to the outbox yet, one JSON line each, in a file beside the SQLite
/// database. Writing a line is one <c>write</c> call: once it returns, the outcome survives a crash of the process
/// (like a SQLite commit with <c>synchronous=NORMAL</c>, not a power cut), so a worker may hand over its next message
/// without waiting for a commit, and outcomes go to the database in large batches. The file stays locked
/// (<see cref="FileShare.None"/>, an flock) while its run is alive; <see cref="RecoverAsync"/> applies and deletes the
/// journals of runs that died.
/// </summary>
/// <remarks>Not thread-safe: the run's outcome writer keeps outcomes here (<see cref="IOutcomeWriter.Keep"/>) under its recorder's lock.</remarks>
internal sealed class OutcomeJournal : IDisposable
{
    private const string Extension = ".outcomes";

    /// <summary>The size past which the journal asks to be emptied once all of it is committed (<see cref="IOutcomeWriter.KeptFull"/>).</summary>
    private const long DefaultLimit = 4 << 20;

    private readonly long _limit;
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;

    private OutcomeJournal(string path, long limit)
    {
        Path = path;
        _limit = limit;
        // Unbuffered: each line is one write at the end of the file.
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        _json = new Utf8JsonWriter(_line);
    }

    public string Path { get; }

    /// <summary>The bytes written since the file was created or last emptied.</summary>
    public long Length => _file.Position;

    /// <summary>Whether the journal has grown past its limit and should be emptied (<see cref="Clear"/>).</summary>
    public bool Full => Length > _limit;

    /// <summary>Creates the journal of run <paramref name="owner"/> of campaign <paramref name="campaignId"/>.</summary>
    /// <param name="limit">The size past which it is <see cref="Full"/>.</param>
    public static OutcomeJournal Create(string directory, long campaignId, string owner, long limit = DefaultLimit)
    {
        Directory.CreateDirectory(directory);
        var name = string.Concat(owner.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-'));
        return new OutcomeJournal(System.IO.Path.Combine(directory, $"campaign-{campaignId}.{name}{Extension}"), limit);
    }

    /// <summary>Appends one outcome; once this returns it survives the process.</summary>
    public void Write(DeliveryRecord record)
    {
        _line.ResetWrittenCount();
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteNumber("id", record.OutboxId);
        _json.WriteNumber("subscriber", record.SubscriberId);
        _json.WriteString("status", record.Status.ToString());
        _json.WriteNumber("attempts", record.Attempts);
        _json.WriteString("reply", record.Reply);
        _json.WriteString("at", record.AttemptedAt);
        if (record.NextAttemptAt is { } next)
        {
            _json.WriteString("next", next);
        }
        _json.WriteBoolean("bounced", record.MarkSubscriberBounced);
        _json.WriteEndObject();
        _json.Flush();
        _line.Write("\n"u8);
        _file.Write(_line.WrittenSpan);
    }

    /// <summary>Empties the file: only when every outcome written so far is committed.</summary>
    public void Clear() => _file.SetLength(0);

    /// <summary>Closes and deletes the file: only when every outcome written is committed.</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(Path);
    }

    /// <summary>Closes the file and leaves it for <see cref="RecoverAsync"/>.</summary>
    public void Dispose()
    {
        _json.Dispose();
        _file.Dispose();
    }

    /// <summary>
    /// Records the outcomes in the journals of campaign <paramref name="campaignId"/> whose runs are gone, then deletes
    /// those journals. A journal still locked belongs to a live run (possibly this process's) and is left alone; a line
    /// cut short by the crash is ignored: its worker had not handed the message over yet.
    /// </summary>
    /// <returns>How many outcomes were recorded.</returns>
    /// <param name="record">Records a batch (<see cref="IOutbox.RecordAsync"/>).</param>
    public static async Task<int> RecoverAsync(string directory, long campaignId,
        Func<IReadOnlyList<DeliveryRecord>, CancellationToken, Task> record, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        var recovered = 0;
        foreach (var path in Directory.EnumerateFiles(directory, $"campaign-{campaignId}.*{Extension}"))
        {
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            }
            catch (IOException)
            {
                continue;   // locked: its run is alive (or the file went away)
            }
            List<DeliveryRecord> records;
            using (file)
            {
                records = Read(file);
            }
            if (records.Count > 0)
            {
                await record(records, ct);
                recovered += records.Count;
            }
            File.Delete(path);
        }
        return recovered;
    }

    private static List<DeliveryRecord> Read(Stream file)
    {
        var records = new List<DeliveryRecord>();
        using var reader = new StreamReader(file, System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (Parse(line) is { } record)
            {
                records.Add(record);
            }
        }
        return records;
    }

    private static DeliveryRecord? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var o = document.RootElement;
            return new DeliveryRecord(
                o.GetProperty("id").GetInt64(),
                o.GetProperty("subscriber").GetInt64(),
                Enum.Parse<OutboxStatus>(o.GetProperty("status").GetString()!),
                o.GetProperty("attempts").GetInt32(),
                o.GetProperty("reply").GetString(),
                o.GetProperty("at").GetDateTimeOffset(),
                o.TryGetProperty("next", out var next) ? next.GetDateTimeOffset() : null,
                o.GetProperty("bounced").GetBoolean());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;   // the last line, cut short by the crash
        }
    }
}
