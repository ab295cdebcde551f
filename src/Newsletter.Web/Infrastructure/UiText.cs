using System.Globalization;
using Newsletter.Core.Localization;

namespace Newsletter.Web.Infrastructure;

/// <summary>
/// The UI strings for the pages: the shared set of <see cref="Texts"/> (Core's <c>Localization/*.json</c>, also the
/// CLI's), chosen by the current UI culture. Simplified Chinese is the default and the fallback; a missing key shows itself.
/// </summary>
public sealed class UiText
{
    public const string Chinese = Texts.Chinese;
    public const string English = Texts.English;

    /// <summary>The cultures offered, default first.</summary>
    public static IReadOnlyList<string> Cultures => Texts.Cultures;

    /// <summary>The string for <paramref name="key"/> in the current UI culture.</summary>
    public string this[string key] => Texts.Get(key);

    /// <summary>The string for <paramref name="key"/> formatted with <paramref name="args"/>.</summary>
    public string Format(string key, params object?[] args) => Texts.Format(key, args);

    /// <summary>Whether the current UI culture is English.</summary>
    public static bool IsEnglish => Texts.IsEnglish;

    /// <summary>The keys of one culture (for tests: every culture has every key).</summary>
    public IReadOnlyCollection<string> Keys(string culture) => Texts.Keys(culture);

    public string Get(CultureInfo culture, string key) => Texts.In(culture, key);
}
