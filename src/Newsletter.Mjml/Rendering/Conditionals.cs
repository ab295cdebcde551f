namespace Newsletter.Mjml.Rendering;

/// <summary>mjml-core's mergeOutlookConditionnals: <c>&lt;![endif]--&gt;\s*&lt;!--[if mso | IE]&gt;</c> is removed.</summary>
internal static class Conditionals
{
    private const string End = "<![endif]-->";
    private const string Start = "<!--[if mso | IE]>";

    public static string Merge(string html)
    {
        var cuts = Cuts(html);
        if (cuts is null) return html;
        var length = html.Length;
        for (var k = 0; k < cuts.Count; k += 2) length -= cuts[k + 1] - cuts[k];
        return string.Create(length, (html, cuts), static (span, state) =>
        {
            var (source, ranges) = state;
            var copied = 0;
            var w = 0;
            for (var k = 0; k < ranges.Count; k += 2)
            {
                source.AsSpan(copied, ranges[k] - copied).CopyTo(span[w..]);
                w += ranges[k] - copied;
                copied = ranges[k + 1];
            }
            source.AsSpan(copied).CopyTo(span[w..]);
        });
    }

    /// <summary>
    /// What <see cref="Merge"/> removes from <paramref name="html"/>: start and end (exclusive) of each range, in
    /// order, flattened; null when nothing.
    /// </summary>
    public static List<int>? Cuts(ReadOnlySpan<char> html)
    {
        var i = html.IndexOf(End, StringComparison.Ordinal);
        List<int>? cuts = null;
        while (i >= 0)
        {
            var j = i + End.Length;
            while (j < html.Length && char.IsWhiteSpace(html[j])) j++;
            if (html[j..].StartsWith(Start, StringComparison.Ordinal))
            {
                (cuts ??= []).Add(i);
                cuts.Add(j + Start.Length);
                i = IndexOfEnd(html, j + Start.Length);
            }
            else
            {
                i = IndexOfEnd(html, i + End.Length);
            }
        }
        return cuts;
    }

    private static int IndexOfEnd(ReadOnlySpan<char> html, int from)
    {
        var k = html[from..].IndexOf(End, StringComparison.Ordinal);
        return k < 0 ? -1 : from + k;
    }

    /// <summary>The same merge on <paramref name="buffer"/>[0..length), compacting in place; returns the new length.</summary>
    public static int MergeInPlace(char[] buffer, int length)
    {
        var span = buffer.AsSpan(0, length);
        var i = span.IndexOf(End.AsSpan());
        if (i < 0) return length;
        var write = i;
        var read = i;
        while (i >= 0)
        {
            var j = i + End.Length;
            while (j < length && char.IsWhiteSpace(buffer[j])) j++;
            if (buffer.AsSpan(j, length - j).StartsWith(Start.AsSpan()))
            {
                if (write != read) Array.Copy(buffer, read, buffer, write, i - read);
                write += i - read;
                read = j + Start.Length;
                var next = buffer.AsSpan(read, length - read).IndexOf(End.AsSpan());
                i = next < 0 ? -1 : read + next;
            }
            else
            {
                var from = i + End.Length;
                var next = buffer.AsSpan(from, length - from).IndexOf(End.AsSpan());
                i = next < 0 ? -1 : from + next;
            }
        }
        if (write != read) Array.Copy(buffer, read, buffer, write, length - read);
        return write + (length - read);
    }
}
