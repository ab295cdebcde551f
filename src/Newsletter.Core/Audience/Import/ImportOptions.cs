namespace Newsletter.Core.Audience.Import;

/// <summary>How to import a file.</summary>
public sealed record ImportOptions
{
    /// <summary>Segment (key or name) for rows whose segment cell is empty or absent. Default none: such rows are rejected.</summary>
    public string? Segment { get; init; }

    /// <summary>Validate and count, then roll back: nothing is stored. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>Change the fields of addresses already on the list. Default false: they are left as they are (unchanged).</summary>
    public bool Update { get; init; }

    /// <summary><c>utf-8</c> or <c>gbk</c> (CSV only). Default null: detected.</summary>
    public string? Encoding { get; init; }

    /// <summary>Recorded as each new subscriber's source. Default <c>import:&lt;file name&gt;</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Where invalid rows are written. Default <c>&lt;input&gt;.rejects.csv</c> next to the input.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>
    /// The sheet of a workbook to read: its name or its 1-based position. Default null: the first sheet that has an
    /// e-mail column (so a 填表说明 sheet in front is passed over).
    /// </summary>
    public string? Sheet { get; init; }

    /// <summary>
    /// An explicit mapping for headers the synonyms do not know: a header as written in the sheet (trimmed) → the column
    /// it holds, or null to ignore it. It wins over the synonyms. Default null: the synonyms alone (the web's mapping step sets it).
    /// </summary>
    public IReadOnlyDictionary<string, ImportColumn?>? Columns { get; init; }
}

/// <summary>A row that was imported, but not exactly as written: its line (or sheet row), the column and what was done.</summary>
public sealed record ImportWarning(int Line, string Column, string Message);

/// <summary>One rejected row: its line (or sheet row), the column and why. The rejects file holds the whole original row.</summary>
public sealed record ImportReject(int Line, string Column, string Reason);

/// <summary>
/// What an import did. <see cref="Errors"/> holds file-level problems (empty, unknown columns, unreadable); when there
/// are any nothing was stored. <see cref="Rejects"/> keeps the first <see cref="SubscriberImporter.MaxRejectsKept"/>
/// rejected rows; the rejects file has them all.
/// </summary>
public sealed record ImportSummary(string Path, IReadOnlyList<string> Errors, int Imported, int Updated, int Unchanged,
    int Rejected, int Suppressed, IReadOnlyList<ImportReject> Rejects, string? RejectsPath, string? Encoding, bool DryRun)
{
    public bool Succeeded => Errors.Count == 0;

    /// <summary>The sheet read, for a workbook ("名单", or "Sheet1"); null for CSV.</summary>
    public string? Sheet { get; init; }

    /// <summary>Headers that are not columns of a subscriber (序号, 手机, 备注 …): their cells were not imported.</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>Headers neither the synonyms nor <see cref="ImportOptions.Columns"/> know, in full as written (a mapping step offers them).</summary>
    public IReadOnlyList<string> UnrecognisedColumns { get; init; } = [];

    /// <summary>The first <see cref="SubscriberImporter.MaxRejectsKept"/> warnings on imported rows (a district or industry not as listed).</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = [];

    /// <summary>All warnings, also those beyond <see cref="Warnings"/>.</summary>
    public int WarningCount { get; init; }

    public int Rows => Imported + Updated + Unchanged + Rejected + Suppressed;

    internal static ImportSummary Failed(string path, params string[] errors) =>
        new(path, errors, 0, 0, 0, 0, 0, [], null, null, false);
}
