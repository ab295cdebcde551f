namespace Newsletter.Mjml.PostProcessing;

internal static class HtmlMinifier
{
    public static string Minify(string html, bool keepComments) => html;
}

internal static class HtmlBeautifier
{
    public static string Beautify(string html) => html;
}
