using Newsletter.Core;
namespace Newsletter.Core.Audience.Import;

/// <summary>
/// One record of a CSV file or spreadsheet: the line (CSV: the physical line it starts on; XLSX: the row number) and its
/// cells. <see cref="Problem"/> is set when the record itself is broken (an unterminated quote); its cells are then partial.
/// </summary>
public sealed record TableRow(int Line, IReadOnlyList<string> Cells, string? Problem = null)
{
    public bool IsBlank
    {
        get
        {
            if (Problem is not null) return false;
            for (var i = 0; i < Cells.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(Cells[i])) return false;
            }
            return true;
        }
    }
}

/// <summary>A file that cannot be read as a table at all; the message says why and how to fix it.</summary>
public sealed class TableFormatException(string message) : UserFacingException(message);
