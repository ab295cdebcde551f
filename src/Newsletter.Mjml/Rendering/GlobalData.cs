using System.Text;

namespace Newsletter.Mjml.Rendering;

/// <summary>What mj-head and the body components collect for the document skeleton (mjml-core's globalData).</summary>
internal sealed class GlobalData
{
    public string BeforeDoctype { get; set; } = "";
    public string Breakpoint { get; set; } = "480px";
    public OrderedDictionary<string, OrderedDictionary<string, string>> Classes { get; } = new(StringComparer.Ordinal);
    public OrderedDictionary<string, OrderedDictionary<string, OrderedDictionary<string, string>>> ClassesDefault { get; } = new(StringComparer.Ordinal);
    public OrderedDictionary<string, OrderedDictionary<string, string>> DefaultAttributes { get; } = new(StringComparer.Ordinal);
    public OrderedDictionary<string, OrderedDictionary<string, string>> HtmlAttributes { get; } = new(StringComparer.Ordinal);
    public OrderedDictionary<string, string> Fonts { get; } = new(StringComparer.Ordinal)
    {
        ["Open Sans"] = "https://fonts.googleapis.com/css?family=Open+Sans:300,400,500,700",
        ["Droid Sans"] = "https://fonts.googleapis.com/css?family=Droid+Sans:300,400,500,700",
        ["Lato"] = "https://fonts.googleapis.com/css?family=Lato:300,400,500,700",
        ["Roboto"] = "https://fonts.googleapis.com/css?family=Roboto:300,400,500,700",
        ["Ubuntu"] = "https://fonts.googleapis.com/css?family=Ubuntu:300,400,500,700",
    };
    public List<string> InlineStyle { get; } = [];
    public OrderedDictionary<string, Func<string, string>> HeadStyle { get; } = new(StringComparer.Ordinal);
    public List<Action<StringBuilder, string>> ComponentsHeadStyle { get; } = [];
    public List<string> HeadRaw { get; } = [];
    public OrderedDictionary<string, string> MediaQueries { get; } = new(StringComparer.Ordinal);
    public string Preview { get; set; } = "";
    public List<string> Style { get; } = [];
    public string Title { get; set; } = "";
    public bool ForceOwaDesktop { get; set; }
    public string Lang { get; set; } = "und";
    public string Dir { get; set; } = "auto";
}
