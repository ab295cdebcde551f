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

    /// <summary>
    /// The items <see cref="SplitList"/> returns, as ranges of <paramref name="text"/>, without allocating: the same
    /// separators, each item trimmed, empty ones skipped.
    /// </summary>
    public static ListItemRanges ListItems(string? text) => new(text);

    /// <summary>The separators of <see cref="SplitList"/>.</summary>
    internal static readonly System.Buffers.SearchValues<char> ListSeparators = System.Buffers.SearchValues.Create(",;|、，；\t");

    internal static string Fold(string? s) =>
        string.Concat((s ?? "").Where(c => !char.IsWhiteSpace(c) && c != '\u3000')).ToLowerInvariant();
}

/// <summary>The ranges of <see cref="Segments.ListItems"/> (a struct enumerable for <c>foreach</c>).</summary>
public readonly struct ListItemRanges(string? text)
{
    public Enumerator GetEnumerator() => new(text ?? "");

    public struct Enumerator(string text)
    {
        private int _next;

        public Range Current { get; private set; }

        public bool MoveNext()
        {
            while (_next <= text.Length)
            {
                var rest = text.AsSpan(_next);
                var length = rest.IndexOfAny(Segments.ListSeparators);
                if (length < 0) length = rest.Length;
                int start = _next, end = _next + length;
                _next = end + 1;
                while (start < end && char.IsWhiteSpace(text[start])) start++;
                while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
                if (end > start)
                {
                    Current = start..end;
                    return true;
                }
            }
            return false;
        }
    }
}

/// <summary>
/// <see cref="Segments.TryResolve"/> for one set of segments, with their folded keys and names looked up once: a
/// name already folded (lower-case ASCII or CJK, no spaces — what lists hold) is resolved without allocating.
/// </summary>
public sealed class SegmentNames
{
    private readonly Dictionary<string, string> _byFolded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SegmentNames(IEnumerable<Segment> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        // In order, first wins: the segment TryResolve's scan would find first.
        foreach (var segment in known)
        {
            foreach (var name in new[] { segment.Key, segment.NameZh, segment.NameEn })
            {
                var folded = Segments.Fold(name);
                if (folded.Length > 0) _byFolded.TryAdd(folded, segment.Key);
            }
        }
        _lookup = _byFolded.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>As <see cref="Segments.TryResolve"/> among the segments given to the constructor.</summary>
    public bool TryResolve(ReadOnlySpan<char> nameOrKey, out string key)
    {
        if (IsFolded(nameOrKey))
        {
            return _lookup.TryGetValue(nameOrKey, out key!) || Fail(out key);
        }
        return _byFolded.TryGetValue(Segments.Fold(nameOrKey.ToString()), out key!) || Fail(out key);

        static bool Fail(out string key)
        {
            key = "";
            return false;
        }
    }

    // Lower-case ASCII without spaces, and CJK ideographs: text Fold leaves as it is.
    private static bool IsFolded(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c < 0x80 ? char.IsAsciiLetterUpper(c) || char.IsWhiteSpace(c) : c is < '\u3400' or > '\u9fff') return false;
        }
        return true;
    }
}
