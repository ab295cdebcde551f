using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Issues;

/// <summary>期号 and date read from the header lines above the first ● of the plain-text bulletin, in the styles seen.</summary>
public sealed class IssueHeaderTests
{
    private static string Body => File.ReadAllText(Seeds.Text);

    [Theory]
    [InlineData("许昌竞争情报快递\n2024年第9期（总第120期）\n2024年9月15日\n", "2024年第9期（总第120期）", 2, "2024-09-15", 3)]
    [InlineData("《许昌竞争情报快递》\n2024年第9期\n许昌市科学技术情报研究所　　2024-09-15\n", "2024年第9期", 2, "2024-09-15", 3)]
    [InlineData("２０２４年 第 ９ 期 （总第 １２０ 期）　　２０２４年９月１５日\n", "2024年第9期（总第120期）", 1, "2024-09-15", 1)]
    [InlineData("2024年第9期(总第120期)  2024/9/5\n", "2024年第9期（总第120期）", 1, "2024-09-05", 1)]
    [InlineData("总第120期\n2024.09.15\n", "总第120期", 1, "2024-09-15", 2)]
    [InlineData("二〇二四年\n第九期\n", "第9期", 2, null, 0)]
    public void Header_lines_give_the_number_and_the_date(string header, string number, int numberLine, string? date, int dateLine)
    {
        var result = new BulletinTextImporter().Import(header + Body, "b.txt");

        Assert.Empty(result.Errors);
        Assert.Equal(number, result.Header.Number);
        Assert.Equal(numberLine, result.Header.NumberLine);
        Assert.Equal(date, result.Header.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dateLine, result.Header.DateLine);
        var meta = result.Issue!.Metadata;
        Assert.Equal(number, meta.Number);
        Assert.False(meta.IsSample);
        Assert.Contains("sample: false", result.Markdown, StringComparison.Ordinal);
        Assert.Contains(result.Decisions, d => d.Kind == ImportDecisionKind.Number && d.Line == numberLine && d.Text == number);
        // The Markdown reads back with the same 期号 and date.
        var reread = new IssueParser().Parse(result.Markdown!, "b.md").Issue!.Metadata;
        Assert.Equal((meta.Number, meta.Date, false), (reread.Number, reread.Date, reread.IsSample));
    }

    [Fact]
    public void Without_header_lines_the_issue_is_a_sample()
    {
        var result = new BulletinTextImporter().Import(Body, "b.txt");

        Assert.Equal(IssueHeader.None, result.Header);
        Assert.True(result.Issue!.Metadata.IsSample);
        Assert.Contains("sample: true", result.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_impossible_date_is_not_taken_and_is_flagged()
    {
        var result = new BulletinTextImporter().Import("2024年第9期\n2024年2月30日\n" + Body, "b.txt");

        Assert.Null(result.Header.Date);
        var flagged = Assert.Single(result.Unsure, d => d.Line == 2);
        Assert.Contains("not a day of the calendar", flagged.Doubt, StringComparison.Ordinal);
    }

    [Fact]
    public void Overrides_win_over_the_header()
    {
        var result = new BulletinTextImporter().Import("2024年第9期\n2024年9月15日\n" + Body, "b.txt",
            new IssueOverrides("2024年第10期", new DateOnly(2024, 10, 15)));

        Assert.Equal("2024年第10期", result.Issue!.Metadata.Number);
        Assert.Equal(new DateOnly(2024, 10, 15), result.Issue.Metadata.Date);
        Assert.Equal("2024年第9期", result.Header.Number);
    }

    [Theory]
    [InlineData("2024年第9期", "2024年第9期")]
    [InlineData(" ２０２４年第９期（总第１２０期） ", "2024年第9期（总第120期）")]
    [InlineData("2024年第9期 总第120期", "2024年第9期（总第120期）")]
    public void Number_options_are_normalised(string input, string expected) =>
        Assert.Equal(expected, IssueNumbers.ParseNumber(input, out _));

    [Theory]
    [InlineData("9")]
    [InlineData("2024年9月")]
    [InlineData("第9期 extra")]
    public void Bad_number_options_are_refused(string input)
    {
        Assert.Null(IssueNumbers.ParseNumber(input, out var error));
        Assert.Contains("not a 期号", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-09-15", "2024-09-15")]
    [InlineData("2024年9月15日", "2024-09-15")]
    [InlineData("２０２４－０９－１５", "2024-09-15")]
    public void Date_options_are_parsed(string input, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), IssueNumbers.ParseDate(input, out _));

    [Theory]
    [InlineData("2024-02-30", "not a day of the calendar")]
    [InlineData("15.9.2024", "not a date")]
    public void Bad_date_options_are_refused(string input, string expected)
    {
        Assert.Null(IssueNumbers.ParseDate(input, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_editor_sets_number_and_date_and_keeps_the_rest()
    {
        var text = File.ReadAllText(Seeds.Markdown);
        var issue = new IssueParser().Parse(text, "s.md").Issue!;

        var edited = FrontMatterEditor.Apply(text, issue, new IssueOverrides("2024年第9期（总第120期）", new DateOnly(2024, 9, 15)));

        var reread = new IssueParser().Parse(edited, "s.md");
        Assert.Empty(reread.Errors);
        Assert.Equal("2024年第9期（总第120期）", reread.Issue!.Metadata.Number);
        Assert.Equal(new DateOnly(2024, 9, 15), reread.Issue.Metadata.Date);
        Assert.False(reread.Issue.Metadata.IsSample);
        Assert.Equal(IssueShape.Paragraphs(issue), IssueShape.Paragraphs(reread.Issue));
        Assert.Empty(new IssueValidator().Check(reread.Issue));
    }
}
