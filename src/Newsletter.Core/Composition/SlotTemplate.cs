using System.Buffers;
using System.Net;
using System.Text;

namespace Newsletter.Core.Composition;

/// <summary>
/// A compiled document with recipient slots: literal chunks and slots, so personalising is a few appends
/// (principle 2: compile once, personalise cheaply). Thread-safe and immutable.
/// </summary>
public sealed class SlotTemplate
{
    private const string Prefix = "[[nl:";
    private const string Suffix = "]]";

    private readonly string[] _literals;      // _literals.Length == _slots.Length + 1
    private readonly byte[][] _utf8Literals;  // the same, encoded once for the wire
    private readonly RecipientSlot[] _slots;

    private SlotTemplate(string source, string[] literals, RecipientSlot[] slots)
    {
        Source = source;
        _literals = literals;
        _utf8Literals = [.. literals.Select(Encoding.UTF8.GetBytes)];
        _slots = slots;
        Utf8Length = _utf8Literals.Sum(l => l.Length);
    }

    /// <summary>The UTF-8 length of the literal text, without the slot values.</summary>
    public int Utf8Length { get; }

    /// <summary>The document with its slot markers, as compiled.</summary>
    public string Source { get; }

    /// <summary>The slots in order of appearance.</summary>
    public IReadOnlyList<RecipientSlot> Slots => _slots;

    /// <summary>The marker a template writes for <paramref name="slot"/>, e.g. <c>[[nl:salutation]]</c>.</summary>
    public static string Marker(RecipientSlot slot) => Prefix + Name(slot) + Suffix;

    /// <summary>Splits <paramref name="source"/> at its slot markers; unknown markers stay literal text.</summary>
    public static SlotTemplate Parse(string source)
    {
        var literals = new List<string>();
        var slots = new List<RecipientSlot>();
        var start = 0;
        var at = source.IndexOf(Prefix, StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = source.IndexOf(Suffix, at + Prefix.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }
            var name = source.AsSpan(at + Prefix.Length, end - at - Prefix.Length);
            if (TryParseName(name, out var slot))
            {
                literals.Add(source[start..at]);
                slots.Add(slot);
                start = end + Suffix.Length;
            }
            at = source.IndexOf(Prefix, end, StringComparison.Ordinal);
        }
        literals.Add(source[start..]);
        return new SlotTemplate(source, [.. literals], [.. slots]);
    }

    /// <summary>Fills the slots; with <paramref name="htmlEscape"/> every value is HTML-escaped (text and attributes).</summary>
    public string Render(RecipientValues values, bool htmlEscape)
    {
        var length = 0;
        foreach (var literal in _literals)
        {
            length += literal.Length;
        }
        var builder = new StringBuilder(length + _slots.Length * 64);
        for (var i = 0; i < _slots.Length; i++)
        {
            builder.Append(_literals[i]);
            var value = values[_slots[i]];
            builder.Append(htmlEscape ? WebUtility.HtmlEncode(value) : value);
        }
        builder.Append(_literals[^1]);
        return builder.ToString();
    }

    /// <summary>
    /// Writes the document as UTF-8 with the slots filled (HTML-escaped with <paramref name="htmlEscape"/>): the literal
    /// text was encoded once, so a recipient costs the copies and the few slot values.
    /// </summary>
    public void WriteUtf8(RecipientValues values, bool htmlEscape, IBufferWriter<byte> output)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            output.Write(_utf8Literals[i]);
            var value = values[_slots[i]];
            var text = htmlEscape ? WebUtility.HtmlEncode(value) : value;
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            output.Advance(Encoding.UTF8.GetBytes(text, span));
        }
        output.Write(_utf8Literals[^1]);
    }

    private static string Name(RecipientSlot slot) => slot switch
    {
        RecipientSlot.Salutation => "salutation",
        RecipientSlot.Name => "name",
        RecipientSlot.Email => "email",
        RecipientSlot.UnsubscribeUrl => "unsubscribe_url",
        RecipientSlot.ViewUrl => "view_url",
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };

    private static bool TryParseName(ReadOnlySpan<char> name, out RecipientSlot slot)
    {
        foreach (var candidate in Enum.GetValues<RecipientSlot>())
        {
            if (name.SequenceEqual(Name(candidate)))
            {
                slot = candidate;
                return true;
            }
        }
        slot = default;
        return false;
    }
}
