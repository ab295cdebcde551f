using System.Text;

namespace Newsletter.Mjml.Rendering;

/// <summary>mjml-core's mergeOutlookConditionnals: <c>&lt;![endif]--&gt;\s*&lt;!--[if mso | IE]&gt;</c> is removed.</summary>
internal static class Conditionals
{
    private const string End = "<![endif]-->";
    private const string Start = "<!--[if mso | IE]>";

    public static string Merge(string html)
    {
        var i = html.IndexOf(End, StringComparison.Ordinal);
        if (i < 0) return html;
        StringBuilder? sb = null;
        var copied = 0;
        while (i >= 0)
        {
            var j = i + End.Length;
            while (j < html.Length && char.IsWhiteSpace(html[j])) j++;
            if (string.CompareOrdinal(html, j, Start, 0, Start.Length) == 0)
            {
                sb ??= new StringBuilder(html.Length);
                sb.Append(html, copied, i - copied);
                copied = j + Start.Length;
                i = html.IndexOf(End, copied, StringComparison.Ordinal);
            }
            else
            {
                i = html.IndexOf(End, i + End.Length, StringComparison.Ordinal);
            }
        }
        if (sb is null) return html;
        sb.Append(html, copied, html.Length - copied);
        return sb.ToString();
    }
}
