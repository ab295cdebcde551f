using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

[Slow]
public sealed class IssuePreviewCommandTests
{
    [Fact]
    [Requires("chromium")]
    public void Writes_each_variant_and_screenshots_at_desktop_and_phone_width()
    {
        using var workspace = CliProcess.NewWorkspace();
        var environment = new Dictionary<string, string> { ["NEWSLETTER_CHROMIUM"] = TestEnvironment.ChromiumPath };
        var result = CliProcess.Run(workspace.Path, environment, "issue", "preview", "seeds/sample-issue.md", "-o", "out", "--segment", "县级领导", "--png");
        Assert.True(result.ExitCode == 0, result.ToString());

        var html = File.ReadAllText(Path.Combine(workspace.Path, "out", "county.html"));
        Assert.Contains("许昌竞争情报快递", html, StringComparison.Ordinal);
        Assert.Contains("尊敬的王局长", html, StringComparison.Ordinal);
        Assert.Contains("●行业动态", File.ReadAllText(Path.Combine(workspace.Path, "out", "county.txt")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace.Path, "out", "municipal.html")), "only the asked segment");

        // The same preview with a font configuration that holds no Chinese font: what a server without fonts-noto-cjk
        // shows (every character a box). The screenshots must look like the first, not like this one.
        var fonts = Path.Combine(workspace.Path, "latin-only-fonts.conf");
        File.WriteAllText(fonts, $"""
            <?xml version="1.0"?>
            <fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{Path.Combine(workspace.Path, "fontcache")}</cachedir></fontconfig>
            """);
        var boxes = CliProcess.Run(workspace.Path, new Dictionary<string, string>(environment) { ["FONTCONFIG_FILE"] = fonts },
            "issue", "preview", "seeds/sample-issue.md", "-o", "boxes", "--segment", "县级领导", "--png");
        Assert.True(boxes.ExitCode == 0, boxes.ToString());

        foreach (var width in new[] { 600, 375 })
        {
            var image = PngImage.Decode(File.ReadAllBytes(Path.Combine(workspace.Path, "out", $"county-{width}.png")));
            Assert.Equal(width, image.Width);
            var text = ScreenshotText.Measure(image);
            var tofu = ScreenshotText.Measure(PngImage.Decode(File.ReadAllBytes(Path.Combine(workspace.Path, "boxes", $"county-{width}.png"))));
            var seen = $"width {width}: rendered {text}; without Chinese fonts {tofu}";
            // Not blank (nor a black page): some, but not most, of the picture is ink.
            Assert.True(text.InkShare is > 0.01 and < 0.5, seen);
            // The bulletin's lines of text are there: the sample issue runs to well over a hundred lines at either width.
            Assert.True(text.TextRows >= 100, seen);
            // Characters, not boxes: a box is one shape repeated, Chinese text is hundreds of different shapes.
            // Measured at 600 px: ~1,270 different shapes with Noto CJK, ~30 with the boxes.
            Assert.True(text.DistinctGlyphs >= 500, seen);
            Assert.True(text.DistinctGlyphs > 10 * tofu.DistinctGlyphs, seen);
        }
    }

    /// <summary>
    /// Figures of the text in a screenshot (dark text on a light ground): rows of text (bands of rows that hold some
    /// ink but are not a solid bar), glyphs (runs of inked columns within a row of text, at least 6 px wide: one
    /// Chinese character, or a box where its font is missing) and how many differently shaped glyphs there are.
    /// </summary>
    private sealed record ScreenshotText(double InkShare, int TextRows, int Glyphs, int DistinctGlyphs)
    {
        public static ScreenshotText Measure(PngImage image)
        {
            bool Ink(int x, int y) => image[x, y] < 128;
            var inkPerRow = new int[image.Height];
            long ink = 0;
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    if (Ink(x, y)) inkPerRow[y]++;
                }
                ink += inkPerRow[y];
            }
            bool TextLike(int y) => inkPerRow[y] > 0 && inkPerRow[y] < 0.9 * image.Width;

            int rows = 0, glyphs = 0;
            var shapes = new HashSet<string>(StringComparer.Ordinal);
            for (var y = 0; y < image.Height;)
            {
                if (!TextLike(y))
                {
                    y++;
                    continue;
                }
                var top = y;
                while (y < image.Height && TextLike(y)) y++;
                if (y - top is < 8 or > 60) continue;   // a rule, a picture or a coloured band, not a line of text
                rows++;
                for (var x = 0; x < image.Width;)
                {
                    if (!Enumerable.Range(top, y - top).Any(row => Ink(x, row)))
                    {
                        x++;
                        continue;
                    }
                    var left = x;
                    while (x < image.Width && Enumerable.Range(top, y - top).Any(row => Ink(x, row))) x++;
                    if (x - left < 6) continue;
                    glyphs++;
                    // The glyph's inked rows, so the same character on another line (another offset in its row) is one shape.
                    var shape = new System.Text.StringBuilder();
                    for (var row = top; row < y; row++)
                    {
                        var line = string.Concat(Enumerable.Range(left, x - left).Select(column => Ink(column, row) ? '#' : '.'));
                        if (line.Contains('#', StringComparison.Ordinal)) shape.Append(line).Append('/');
                    }
                    shapes.Add(shape.ToString());
                }
            }
            return new ScreenshotText((double)ink / ((long)image.Width * image.Height), rows, glyphs, shapes.Count);
        }
    }

    [Fact]
    public void An_unknown_segment_is_a_clear_error()
    {
        using var workspace = CliProcess.NewWorkspace();
        var result = CliProcess.Run(workspace.Path, null, "issue", "preview", "seeds/sample-issue.md", "--segment", "省级领导");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("省级领导", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
