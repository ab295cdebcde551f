namespace Newsletter.Data;

/// <summary>The few SQL spellings that differ between SQLite and PostgreSQL.</summary>
internal sealed class SqlDialect
{
    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public static SqlDialect Sqlite { get; } = new(DatabaseProvider.Sqlite);

    public static SqlDialect Postgres { get; } = new(DatabaseProvider.Postgres);

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? Sqlite : Postgres;

    public DatabaseProvider Provider { get; }

    /// <summary>True when <paramref name="needle"/> occurs in <paramref name="haystack"/> (both SQL expressions).</summary>
    public string Contains(string haystack, string needle) =>
        Provider == DatabaseProvider.Sqlite ? $"instr({haystack}, {needle}) > 0" : $"strpos({haystack}, {needle}) > 0";

    /// <summary>Case-insensitive LIKE with '\' as the escape character.</summary>
    public string ILike(string column, string pattern) =>
        Provider == DatabaseProvider.Sqlite ? $"{column} LIKE {pattern} ESCAPE '\\'" : $"{column} ILIKE {pattern} ESCAPE '\\'";

    /// <summary>Escapes % _ and \ for a LIKE pattern.</summary>
    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
