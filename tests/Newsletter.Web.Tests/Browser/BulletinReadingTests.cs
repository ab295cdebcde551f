using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;
using Newsletter.Core.Campaigns;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// The composed bulletin in Chromium as leaders read it: at 320, 375 and 600 px, with the head's &lt;style&gt; and
/// without it (as Gmail with other accounts and many webmails show it), in dark mode. What matters is measured in
/// the page — computed indent and colours, contrast, sideways scrolling, the title on one line — not compared as pixels.
/// </summary>
[Requires("chromium")]
public sealed partial class BulletinReadingTests : IAsyncLifetime
{
    private const string ViewUrl = "https://bulletin.example.org/v/TOKEN";

    private static readonly Lazy<(Issue Issue, string Html)> Municipal = new(Compose);

    private BrowserSession? _browser;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private static (Issue, string) Compose()
    {
        var loaded = IssueLoader.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var composer = new BulletinComposer(new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") },
            new MjmlCompilerAdapter());
        var variant = composer.Compose(loaded.Issue!, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var values = new RecipientValues("尊敬的王局长", "王建国", "wang.jianguo@xuchang.gov.cn", "https://bulletin.example.org/u/TOKEN", ViewUrl);
        return (loaded.Issue!, variant.Html.Render(values, htmlEscape: true));
    }

    /// <summary>The HTML as a client that drops &lt;style&gt; elements shows it.</summary>
    private static string WithoutStyle(string html) => StyleElement().Replace(html, "");

    [GeneratedRegex("<style[^>]*>.*?</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    private sealed record Reading(
        string Indent, string SubheadingColour, string TocLinkColour, string TocLinkDecoration, string H2Colour, string H3Colour,
        int TitleLines, bool TitleFits, int ScrollWidth, int ClientWidth, int H1, int H2, int H3, int H4, string[] Failures);

    /// <summary>Measures the page; <c>Failures</c> lists every visible text below <paramref name="minContrast"/> or 13 px.</summary>
    private static async Task<Reading> ReadAsync(IPage page, double minContrast)
    {
        var json = await page.EvaluateAsync<JsonElement>("""
            (minContrast) => {
              const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
              const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
              const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
              const canvas = rgb(getComputedStyle(document.documentElement).backgroundColor).a > 0
                ? rgb(getComputedStyle(document.documentElement).backgroundColor)
                : (matchMedia('(prefers-color-scheme: dark)').matches ? { r: 18, g: 18, b: 18, a: 1 } : { r: 255, g: 255, b: 255, a: 1 });
              const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0) return c; } return canvas; };
              const failures = [];
              for (const el of document.body.querySelectorAll('*')) {
                const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
                if (!own || el.getClientRects().length === 0) continue;
                const style = getComputedStyle(el);
                if (style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
                const ratio = contrast(rgb(style.color), background(el));
                const size = parseFloat(style.fontSize);
                if (ratio < minContrast || size < 13) failures.push(`${el.tagName} "${own.slice(0, 20)}" ${style.color} on ${JSON.stringify(background(el))}: ${ratio.toFixed(2)}:1, ${size}px`);
              }
              // Null-safe, so a layout without these elements fails on the assertion that names them.
              const css = (sel, prop) => { const el = document.querySelector(sel); return el ? getComputedStyle(el)[prop] : `no ${sel}`; };
              const h1 = document.querySelector('h1') || document.querySelector('.nl-masthead div, body div div');
              const range = document.createRange();
              range.selectNodeContents(h1);
              const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
              const p = document.querySelector('.nl-article p:not(:first-child)') ? '.nl-article p:not(:first-child)' : '.nl-article p';
              return {
                indent: css(p, 'textIndent'),
                subheadingColour: css('.nl-article h4', 'color'),
                tocLinkColour: css('.nl-contents a', 'color'),
                tocLinkDecoration: css('.nl-contents a', 'textDecorationLine'),
                h2Colour: css('h2', 'color'),
                h3Colour: css('h3', 'color'),
                titleLines: lines,
                titleFits: h1.scrollWidth <= h1.clientWidth && h1.getBoundingClientRect().right <= document.documentElement.clientWidth,
                scrollWidth: document.documentElement.scrollWidth,
                clientWidth: document.documentElement.clientWidth,
                h1: document.querySelectorAll('h1').length, h2: document.querySelectorAll('h2').length,
                h3: document.querySelectorAll('h3').length, h4: document.querySelectorAll('h4').length,
                failures,
              };
            }
            """, minContrast);
        return json.Deserialize<Reading>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private async Task<(IPage Page, IBrowserContext Context)> OpenAsync(string html, int width, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await _browser!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            ColorScheme = scheme,
            Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        return (page, context);
    }

    public static TheoryData<int> Widths => new() { 320, 375, 600 };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task The_bulletin_reads_the_same_with_and_without_style_and_nothing_breaks_or_scrolls_sideways(int width)
    {
        var (issue, html) = Municipal.Value;
        var readings = new List<Reading>();
        foreach (var (name, document) in new[] { ("with-style", html), ("without-style", WithoutStyle(html)) })
        {
            Assert.Equal(name == "with-style", document.Contains("<style", StringComparison.OrdinalIgnoreCase));
            var (page, context) = await OpenAsync(document, width);
            await using var _ = context;
            await BrowserSession.ScreenshotAsync(page, $"bulletin-{width}-{name}");
            var reading = await ReadAsync(page, minContrast: 7);
            readings.Add(reading);

            Assert.True(reading.Failures.Length == 0, $"{name} at {width} px, text below 7:1 or 13 px:\n" + string.Join("\n", reading.Failures));
            Assert.Equal("32px", reading.Indent);                       // 2em of 16 px
            Assert.Equal("rgb(138, 28, 28)", reading.SubheadingColour);  // #8a1c1c
            Assert.Equal("rgb(158, 27, 27)", reading.H2Colour);          // #9e1b1b
            Assert.Equal("rgb(31, 41, 55)", reading.H3Colour);           // #1f2937
            Assert.Equal("rgb(43, 43, 43)", reading.TocLinkColour);      // #2b2b2b, not link blue
            Assert.Equal("none", reading.TocLinkDecoration);
            Assert.True(reading.TitleLines == 1, $"{name} at {width} px: the title breaks into {reading.TitleLines} lines");
            Assert.True(reading.TitleFits, $"{name} at {width} px: the title overflows its box");
            Assert.True(reading.ScrollWidth <= reading.ClientWidth, $"{name} at {width} px scrolls sideways: {reading.ScrollWidth} > {reading.ClientWidth}");
            Assert.Equal(1, reading.H1);
            Assert.Equal(issue.Sections.Count, reading.H2);
            Assert.Equal(issue.Articles.Count(), reading.H3);
            Assert.Equal(issue.Articles.Sum(a => a.Blocks.OfType<Subheading>().Count()), reading.H4);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task In_dark_mode_the_palette_changes_and_all_text_including_masthead_and_red_accents_stays_legible(int width)
    {
        var (page, context) = await OpenAsync(Municipal.Value.Html, width, ColorScheme.Dark);
        await using var _ = context;
        await BrowserSession.ScreenshotAsync(page, $"bulletin-{width}-dark");
        var reading = await ReadAsync(page, minContrast: 4.5);
        Assert.True(reading.Failures.Length == 0, $"dark mode at {width} px, text below 4.5:1:\n" + string.Join("\n", reading.Failures));
        Assert.NotEqual("rgb(158, 27, 27)", reading.H2Colour);   // the light palette's red would be 2.3:1 on the dark card
        var card = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.nl-card')).backgroundColor");
        Assert.Equal("rgb(27, 31, 36)", card);
        Assert.True(reading.ScrollWidth <= reading.ClientWidth);
        Assert.Equal(1, reading.TitleLines);
    }

    [Fact]
    public async Task Outlook_com_dark_mode_rules_keep_the_masthead_and_red_accents_legible()
    {
        // Outlook.com darkens the inline colours itself and marks the elements with data-ogsc / data-ogsb; our rules
        // then choose the masthead and accent colours. Simulated: the marks on <body>, its dark reading pane colour.
        var (page, context) = await OpenAsync(Municipal.Value.Html, 600);
        await using var _ = context;
        var colours = await page.EvaluateAsync<JsonElement>("""
            () => {
              document.body.setAttribute('data-ogsc', '');
              document.body.setAttribute('data-ogsb', '');
              const css = (sel, prop) => { const el = document.querySelector(sel); return el ? getComputedStyle(el)[prop] : 'rgb(0, 0, 0)'; };
              return { h1: css('h1', 'color'), h2: css('h2', 'color'), h4: css('.nl-article h4', 'color'), accent: css('.nl-accent div', 'color'),
                       masthead: css('.nl-masthead', 'backgroundColor') };
            }
            """);
        var pane = (R: 41, G: 41, B: 41);   // Outlook.com's dark reading pane, #292929
        foreach (var name in new[] { "h2", "h4", "accent" })
        {
            var ratio = Contrast(Parse(colours.GetProperty(name).GetString()!), pane);
            Assert.True(ratio >= 4.5, $"{name} {colours.GetProperty(name)} on #292929: {ratio:0.00}:1");
        }
        var title = Contrast(Parse(colours.GetProperty("h1").GetString()!), Parse(colours.GetProperty("masthead").GetString()!));
        Assert.True(title >= 4.5, $"masthead title on its background: {title:0.00}:1");
    }

    private static (int R, int G, int B) Parse(string css)
    {
        var parts = css[(css.IndexOf('(') + 1)..css.IndexOf(')')].Split(',').Select(p => int.Parse(p.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }

    private static double Contrast((int R, int G, int B) a, (int R, int G, int B) b)
    {
        static double Channel(int v) => v / 255.0 <= 0.03928 ? v / 255.0 / 12.92 : Math.Pow((v / 255.0 + 0.055) / 1.055, 2.4);
        static double Luminance((int R, int G, int B) c) => 0.2126 * Channel(c.R) + 0.7152 * Channel(c.G) + 0.0722 * Channel(c.B);
        var (x, y) = (Luminance(a), Luminance(b));
        return (Math.Max(x, y) + 0.05) / (Math.Min(x, y) + 0.05);
    }
}
