using Newsletter.Core;
using Newsletter.Core.Localization;
namespace Newsletter.Core.Audience;

/// <summary>The built-in segments and name resolution for them and admin-defined ones.</summary>
public static class Segments
{
    public const string Municipal = "municipal";
    public const string County = "county";
    public const string Enterprise = "enterprise";
    public const string TestRecipients = "test-recipients";

    /// <summary>The three readerships of the bulletin, present in every store.</summary>
    public static IReadOnlyList<Segment> BuiltIn { get; } =
    [
        new(Municipal, "市级领导", "Municipal leaders", true),
        new(County, "县级领导", "County leaders", true),
        new(Enterprise, "重点企业", "Key enterprises", true),
    ];

    /// <summary>The segment for editors' test sends, created by the migrations as an admin-defined segment.</summary>
    public static Segment TestRecipientsSegment { get; } = new(TestRecipients, "测试收件人", "Test recipients", false);

    /// <summary>Keys: lower-case ASCII letters, digits and '-', starting with a letter, at most 40 characters.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= 40 && char.IsAsciiLetterLower(key[0]) &&
        key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>
    /// Maps a key or a Chinese or English name (<c>municipal</c>, <c>市级领导</c>, <c>Municipal leaders</c>; case and
    /// spaces ignored) to the segment key among <paramref name="known"/>. False when none matches.
    /// </summary>
    public static bool TryResolve(string? nameOrKey, IEnumerable<Segment> known, out string key)
    {
        var wanted = Fold(nameOrKey);
        foreach (var segment in known)
        {
            if (Fold(segment.Key) == wanted || Fold(segment.NameZh) == wanted || Fold(segment.NameEn) == wanted)
            {
                key = segment.Key;
                return wanted.Length > 0;
            }
        }
        key = "";
        return false;
    }

    /// <summary>Resolves or throws <see cref="AudienceException"/> naming the known segments.</summary>
    public static string Resolve(string? nameOrKey, IReadOnlyCollection<Segment> known) =>
        TryResolve(nameOrKey, known, out var key)
            ? key
            : throw new AudienceException(Texts.Format("core.segment.unknown", nameOrKey, Describe(known)),
                Texts.Get("core.segment.unknown_hint"));

    /// <summary>"municipal (市级领导), county (县级领导), …" for messages.</summary>
    public static string Describe(IEnumerable<Segment> known) => string.Join(", ", known.Select(s => $"{s.Key} ({s.NameZh})"));

    /// <summary>Splits a cell or option holding several names: separated by , ; | 、 ， ； or tabs.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split([',', ';', '|', '、', '，', '；', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Fold(string? s) =>
        string.Concat((s ?? "").Where(c => !char.IsWhiteSpace(c) && c != '\u3000')).ToLowerInvariant();
}
