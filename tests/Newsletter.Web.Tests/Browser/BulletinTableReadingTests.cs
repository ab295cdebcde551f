using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Newsletter.Core.Audience;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Testing;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// A Word table in the composed bulletin, in Chromium at phone widths: the page never scrolls sideways, no cell spills
/// out of the table or the table out of its card, and the cells stay at least 13 px with the body text's contrast —
/// with the head's &lt;style&gt;, without it (webmails), and in dark mode.
/// </summary>
[Requires("chromium")]
public sealed partial class BulletinTableReadingTests : IAsyncLifetime
{
    private static readonly Lazy<string> Html = new(Compose);

    private BrowserSession? _browser;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private static string Compose()
    {
        var imported = new BulletinWordImporter().Import(TableBulletin.Document().ToBytes(), "bulletin.docx");
        Assert.Empty(imported.Errors);
        var composer = new BulletinComposer(new TemplateOptions { Directory = Path.Combine(TestEnvironment.RepositoryRoot, "templates") },
            new MjmlCompilerAdapter());
        var variant = composer.Compose(imported.Issue!, IssuePublisher.Variant(Segments.Municipal, Segments.BuiltIn));
        var values = new RecipientValues("尊敬的王局长", "王建国", "wang.jianguo@xuchang.gov.cn", "https://bulletin.example.org/u/T", "https://bulletin.example.org/v/T");
        return variant.Html.Render(values, htmlEscape: true);
    }

    [GeneratedRegex("<style[^>]*>.*?</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    private sealed record TableReading(int ScrollWidth, int ClientWidth, double TableRight, double CardRight, int Cells,
        string[] Overflowing, string[] Failures);

    private async Task<TableReading> ReadAsync(string html, int width, ColorScheme scheme, double minContrast, string name)
    {
        var context = await _browser!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            ColorScheme = scheme,
            Locale = "zh-CN",
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        await BrowserSession.ScreenshotAsync(page, name);
        var json = await page.EvaluateAsync<JsonElement>("""
            (minContrast) => {
              const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
              const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
              const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
              const canvas = matchMedia('(prefers-color-scheme: dark)').matches ? { r: 18, g: 18, b: 18, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
              const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0) return c; } return canvas; };
              const th = document.querySelector('th');
              const table = th ? th.closest('table') : null;
              if (!table) return { scrollWidth: 0, clientWidth: 0, tableRight: 0, cardRight: 0, cells: 0, overflowing: ['no table with a header cell'], failures: [] };
              const card = table.closest('.nl-card') || document.body;
              const cells = [...table.querySelectorAll('th, td')];
              const overflowing = cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => `${c.tagName} "${c.textContent.slice(0, 20)}" ${c.scrollWidth} > ${c.clientWidth}`);
              const failures = [];
              for (const el of [table, ...table.querySelectorAll('*')]) {
                const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
                if (!own) continue;
                const style = getComputedStyle(el);
                const ratio = contrast(rgb(style.color), background(el));
                const size = parseFloat(style.fontSize);
                if (ratio < minContrast || size < 13) failures.push(`${el.tagName} "${own.slice(0, 20)}" ${style.color} on ${JSON.stringify(background(el))}: ${ratio.toFixed(2)}:1, ${size}px`);
              }
              return {
                scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
                tableRight: table.getBoundingClientRect().right, cardRight: card.getBoundingClientRect().right,
                cells: cells.length, overflowing, failures,
              };
            }
            """, minContrast);
        return json.Deserialize<TableReading>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public static TheoryData<int> Widths => new() { 320, 375 };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task At_phone_width_the_table_fits_without_sideways_scrolling_with_and_without_style(int width)
    {
        foreach (var (name, html) in new[] { ("with-style", Html.Value), ("without-style", StyleElement().Replace(Html.Value, "")) })
        {
            var reading = await ReadAsync(html, width, ColorScheme.Light, minContrast: 7, $"bulletin-table-{width}-{name}");

            Assert.True(reading.Overflowing.Length == 0, $"{name} at {width} px, cells overflow:\n" + string.Join("\n", reading.Overflowing));
            Assert.Equal(20, reading.Cells);
            Assert.True(reading.ScrollWidth <= reading.ClientWidth, $"{name} at {width} px scrolls sideways: {reading.ScrollWidth} > {reading.ClientWidth}");
            Assert.True(reading.TableRight <= reading.CardRight, $"{name} at {width} px: the table ends at {reading.TableRight}, beyond its card at {reading.CardRight}");
            Assert.True(reading.Failures.Length == 0, $"{name} at {width} px, table text below 7:1 or 13 px:\n" + string.Join("\n", reading.Failures));
        }
    }

    [Fact]
    public async Task In_dark_mode_the_table_stays_legible_at_375_px()
    {
        var reading = await ReadAsync(Html.Value, 375, ColorScheme.Dark, minContrast: 4.5, "bulletin-table-375-dark");

        Assert.True(reading.Failures.Length == 0, "dark mode at 375 px, table text below 4.5:1:\n" + string.Join("\n", reading.Failures));
        Assert.True(reading.ScrollWidth <= reading.ClientWidth);
    }
}
