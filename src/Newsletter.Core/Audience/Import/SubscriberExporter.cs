using System.Text;

namespace Newsletter.Core.Audience.Import;

/// <summary>
/// Writes subscribers as CSV in the import's format (English headers), so an export imports back unchanged.
/// Cells that look like formulas are neutralised (<see cref="CsvText.Neutralise"/>).
/// </summary>
public sealed class SubscriberExporter(ISubscriberStore store)
{
    /// <summary>The header line the export writes.</summary>
    public static IReadOnlyList<string> Header { get; } =
        [.. new[] { ImportColumn.Email, ImportColumn.Name, ImportColumn.Organisation, ImportColumn.Title, ImportColumn.Segments,
            ImportColumn.District, ImportColumn.Industries, ImportColumn.Status, ImportColumn.Salutation }.Select(ImportColumns.EnglishName)];

    /// <summary>Writes every subscriber (of <paramref name="segment"/> when given), any status, in id order; returns how many.</summary>
    public async Task<long> ExportAsync(TextWriter writer, string? segment = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(CsvText.Line(Header) + "\r\n");
        long count = 0;
        long after = 0;
        while (true)
        {
            var page = await store.SearchAsync(new SubscriberQuery(Segment: segment, AfterId: after, Limit: 1000), ct);
            foreach (var s in page)
            {
                await writer.WriteAsync(CsvText.Line([s.Email, s.Name, s.Organisation, s.Title, string.Join(';', s.Segments), s.District,
                    string.Join(';', s.Industries), s.Status.ToWord(), s.Salutation]) + "\r\n");
                count++;
            }
            if (page.Count < 1000) return count;
            after = page[^1].Id;
        }
    }

    /// <summary>Exports to a file, UTF-8 with BOM (so spreadsheet programs detect it).</summary>
    public async Task<long> ExportAsync(string path, string? segment = null, CancellationToken ct = default)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(true));
        return await ExportAsync(writer, segment, ct);
    }
}
