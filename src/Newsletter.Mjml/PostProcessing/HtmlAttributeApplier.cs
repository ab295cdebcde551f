namespace Newsletter.Mjml.PostProcessing;

/// <summary>mj-html-attributes: sets attributes on the body elements matched by each selector (mjml uses cheerio in XML mode).</summary>
internal static class HtmlAttributeApplier
{
    public static string Apply(string content, OrderedDictionary<string, OrderedDictionary<string, string>> attributes)
    {
        var dom = HtmlDom.Parse(content.AsMemory(), xmlMode: true);
        foreach (var (path, values) in attributes)
        {
            var selector = CssSelector.TryParse(path);
            if (selector is null) continue;
            if (dom.Select(selector) is not { } matched) continue;
            foreach (var element in matched)
            {
                foreach (var (name, value) in values) element.SetAttribute(name, value);
            }
            if (values.ContainsKey("id") || values.ContainsKey("class")) dom.ResetIndex();
        }
        return dom.Serialize();
    }
}
