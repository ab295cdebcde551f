namespace Newsletter.Core;

/// <summary>
/// The bounds every parser of untrusted input keeps (issue Markdown and text, subscriber CSV and XLSX), so that no file
/// can crash the process, exhaust its memory or keep a CPU busy. Exceeding one is an author mistake reported with
/// file:line like any other (<see cref="SourceError"/> or the importer's file errors), never an exception.
/// </summary>
/// <remarks>
/// The numbers are far above what the institute's bulletins and subscriber lists need (a bulletin is tens of
/// kilobytes, a list thousands of rows) and far below what would hurt a small server.
/// </remarks>
public static class InputLimits
{
    /// <summary>
    /// The largest issue file or uploaded subscriber list (16 MiB): the issue loader refuses larger files, and the web
    /// admin's uploads must not exceed it. Subscriber CSV files given on the command line are streamed and bounded by
    /// <see cref="MaxTableRows"/> instead, so a million-row export can be imported.
    /// </summary>
    public const long MaxUploadBytes = 16 * 1024 * 1024;

    /// <summary>The longest line of an issue file, in characters (a long paragraph is a few thousand).</summary>
    public const int MaxIssueLineChars = 20_000;

    /// <summary>The most <c>##</c> sections an issue may have.</summary>
    public const int MaxIssueSections = 100;

    /// <summary>The most <c>###</c> articles an issue may have, over all sections.</summary>
    public const int MaxIssueArticles = 1_000;

    /// <summary>How deep inline formatting (emphasis inside emphasis, links inside them) may nest.</summary>
    public const int MaxInlineNesting = 16;

    /// <summary>Data rows of a subscriber list (Excel's own row limit, 1,048,576, counting the header).</summary>
    public const int MaxTableRows = 1_048_576;

    /// <summary>
    /// Columns of a subscriber list that may hold a value: a list has at most a dozen known columns, so more than this is
    /// not a list (Excel itself stops at 16,384).
    /// </summary>
    public const int MaxTableColumns = 256;

    /// <summary>Excel's column limit (XFD); a cell reference beyond it makes the workbook malformed.</summary>
    public const int ExcelMaxColumns = 16_384;

    /// <summary>The longest CSV record (one line, or several when a quoted field spans lines), in characters.</summary>
    public const int MaxCsvRecordChars = 1024 * 1024;

    /// <summary>The largest uncompressed part of an .xlsx workbook (a sheet, its shared strings).</summary>
    public const long MaxXlsxPartBytes = 128L * 1024 * 1024;

    /// <summary>The largest uncompressed size of all the parts of an .xlsx workbook together.</summary>
    public const long MaxXlsxTotalBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The highest compression ratio (uncompressed ÷ compressed) of a part larger than 1 MiB; real sheets compress 5–20
    /// times, a decompression bomb thousands of times (the limit of Apache POI's <c>ZipSecureFile</c>).
    /// </summary>
    public const int MaxXlsxCompressionRatio = 100;

    /// <summary>The most entries in an .xlsx workbook's shared-string table.</summary>
    public const int MaxXlsxSharedStrings = 1_048_576;

    /// <summary>The most characters in an .xlsx workbook's shared-string table, all strings together (32 MB of memory).</summary>
    public const int MaxXlsxSharedStringChars = 16 * 1024 * 1024;
}
