using System.Text;

namespace Newsletter.Mjml.Rendering;

/// <summary>Appending attributes and inline styles the way mjml's htmlAttributes/styles do (nil values are skipped, nothing is escaped).</summary>
internal static class Html
{
    /// <summary>Appends <c> name="value"</c> unless <paramref name="value"/> is null.</summary>
    public static StringBuilder Attr(this StringBuilder sb, string name, string? value)
    {
        if (value is null) return sb;
        return sb.Append(' ').Append(name).Append("=\"").Append(value).Append('"');
    }

    public static StringBuilder Attr(this StringBuilder sb, string name, double value) =>
        sb.Append(' ').Append(name).Append("=\"").Append(Js.Num(value)).Append('"');

    /// <summary>Opens <c> style="</c>; close it with <see cref="EndStyle"/>.</summary>
    public static StringBuilder BeginStyle(this StringBuilder sb) => sb.Append(" style=\"");

    public static StringBuilder EndStyle(this StringBuilder sb) => sb.Append('"');

    /// <summary>Appends <c>name:value;</c> unless <paramref name="value"/> is null.</summary>
    public static StringBuilder Css(this StringBuilder sb, string name, string? value)
    {
        if (value is null) return sb;
        return sb.Append(name).Append(':').Append(value).Append(';');
    }

    /// <summary>mjml-core's suffixCssClasses: every class gets <c>-suffix</c>.</summary>
    public static string? SuffixCssClasses(string? classes, string suffix)
    {
        if (string.IsNullOrEmpty(classes)) return "";
        var parts = classes.Split(' ');
        var sb = new StringBuilder(classes.Length + parts.Length * (suffix.Length + 1));
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(parts[i]).Append('-').Append(suffix);
        }
        return sb.ToString();
    }

    public const string StartConditional = "<!--[if mso | IE]>";
    public const string EndConditional = "<![endif]-->";
    public const string StartNegationConditional = "<!--[if !mso | IE]><!-->";
    public const string EndNegationConditional = "<!--<![endif]-->";
    public const string StartMsoConditional = "<!--[if mso]>";
    public const string StartMsoNegationConditional = "<!--[if !mso]><!-->";
}
