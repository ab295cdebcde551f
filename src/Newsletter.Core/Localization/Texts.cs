using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Localization;

/// <summary>
/// Every user-facing string of the CLI and the web, one set shared by both: embedded JSON files
/// <c>Localization/&lt;area&gt;.&lt;culture&gt;.json</c> (areas <c>web</c>, <c>cli</c>, <c>import</c>, <c>core</c>; cultures
/// <c>zh-CN</c> and <c>en</c>), merged per culture, chosen by the current UI culture. Simplified Chinese is the default
/// and the fallback; a missing key shows itself. Keys carry their area as a prefix (<c>cli.publish.*</c>,
/// <c>import.reason.*</c>), so no two files define the same key (a duplicate fails at load).
/// </summary>
public static class Texts
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    /// <summary>The cultures offered, default first.</summary>
    public static IReadOnlyList<string> Cultures { get; } = [Chinese, English];

    private static readonly Lazy<FrozenDictionary<string, FrozenDictionary<string, string>>> ByCulture =
        new(() => Cultures.ToFrozenDictionary(c => c, Load, StringComparer.OrdinalIgnoreCase));

    /// <summary>The string for <paramref name="key"/> in the current UI culture.</summary>
    public static string Get(string key) => In(CultureInfo.CurrentUICulture, key);

    /// <summary>The string for <paramref name="key"/> in the current UI culture, formatted with <paramref name="args"/>.</summary>
    public static string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Get(key), args);

    /// <summary>Whether the current UI culture is English.</summary>
    public static bool IsEnglish => IsEnglishCulture(CultureInfo.CurrentUICulture);

    /// <summary>The keys of one culture (for tests: every culture has every key).</summary>
    public static IReadOnlyCollection<string> Keys(string culture) => ByCulture.Value[culture].Keys;

    /// <summary>The string for <paramref name="key"/> in <paramref name="culture"/> (English or, for any other, Chinese).</summary>
    public static string In(CultureInfo culture, string key)
    {
        var name = IsEnglishCulture(culture) ? English : Chinese;
        if (ByCulture.Value[name].TryGetValue(key, out var text)) return text;
        return ByCulture.Value[Chinese].TryGetValue(key, out var fallback) ? fallback : key;
    }

    /// <summary>
    /// The culture a language setting names: <c>en</c>/<c>en-US</c>/<c>english</c> → English; <c>zh</c>, <c>zh-CN</c>,
    /// <c>zh-Hans</c>, <c>中文</c> → Chinese; null for anything else (the caller says so).
    /// </summary>
    public static string? Parse(string? language) => language?.Trim().ToLowerInvariant() switch
    {
        "en" or "en-us" or "en-gb" or "english" => English,
        "zh" or "zh-cn" or "zh-hans" or "zh-hans-cn" or "chinese" or "中文" or "简体中文" => Chinese,
        _ => null,
    };

    // The invariant culture is code's, not a user's (tests, background work): English there; any other culture but
    // English gets Chinese.
    private static bool IsEnglishCulture(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName is "en" or "iv";

    private static FrozenDictionary<string, string> Load(string culture)
    {
        var assembly = typeof(Texts).Assembly;
        var suffix = $".{culture}.json";
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith("Newsletter.Core.Localization.", StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [])
            {
                if (!merged.TryAdd(key, value))
                {
                    throw new InvalidOperationException($"{resource}: the key {key} is defined twice");
                }
            }
        }
        return merged.Count > 0 ? merged.ToFrozenDictionary(StringComparer.Ordinal) : throw new InvalidOperationException($"no strings embedded for {culture}");
    }
}
