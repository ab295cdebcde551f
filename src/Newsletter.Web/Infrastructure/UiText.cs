using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Newsletter.Web.Infrastructure;

/// <summary>
/// The UI strings, one JSON file per culture (<c>Localization/strings.zh-CN.json</c>, <c>strings.en.json</c>), chosen
/// by the current UI culture. Simplified Chinese is the default and the fallback; a missing key shows itself.
/// </summary>
public sealed class UiText
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    /// <summary>The cultures offered, default first.</summary>
    public static IReadOnlyList<string> Cultures { get; } = [Chinese, English];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _byCulture;

    public UiText()
    {
        _byCulture = Cultures.ToFrozenDictionary(c => c, Load, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The string for <paramref name="key"/> in the current UI culture.</summary>
    public string this[string key] => Get(CultureInfo.CurrentUICulture, key);

    /// <summary>The string for <paramref name="key"/> formatted with <paramref name="args"/>.</summary>
    public string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, this[key], args);

    /// <summary>Whether the current UI culture is English.</summary>
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The keys of one culture's file (for tests: every culture has every key).</summary>
    public IReadOnlyCollection<string> Keys(string culture) => _byCulture[culture].Keys;

    public string Get(CultureInfo culture, string key)
    {
        var name = culture.TwoLetterISOLanguageName == "en" ? English : Chinese;
        if (_byCulture[name].TryGetValue(key, out var text)) return text;
        return _byCulture[Chinese].TryGetValue(key, out var fallback) ? fallback : key;
    }

    private static FrozenDictionary<string, string> Load(string culture)
    {
        using var stream = typeof(UiText).Assembly.GetManifestResourceStream($"Newsletter.Web.Localization.strings.{culture}.json")
            ?? throw new InvalidOperationException($"strings.{culture}.json is not embedded");
        return (JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? []).ToFrozenDictionary(StringComparer.Ordinal);
    }
}
