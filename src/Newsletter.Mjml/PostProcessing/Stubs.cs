namespace Newsletter.Mjml.Rendering;

internal static class HtmlAttributeApplier
{
    public static string Apply(string content, OrderedDictionary<string, OrderedDictionary<string, string>> attributes) => content;
}

internal static class CssInliner
{
    public static string Inline(string html, string css) => html;
}

internal static class HtmlMinifier
{
    public static string Minify(string html, bool keepComments) => html;
}

internal static class HtmlBeautifier
{
    public static string Beautify(string html) => html;
}
