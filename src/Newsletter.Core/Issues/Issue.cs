namespace Newsletter.Core.Issues;

/// <summary>
/// One issue of the bulletin as the author wrote it: metadata from the front matter, then sections of
/// paragraphs and articles. Line numbers are those of <see cref="SourcePath"/> (front matter included).
/// </summary>
/// <param name="Metadata">Front matter, defaults applied.</param>
/// <param name="Sections">The <c>##</c> sections in order.</param>
/// <param name="SourcePath">The file the issue was read from, as the user named it.</param>
public sealed record Issue(IssueMetadata Metadata, IReadOnlyList<Section> Sections, string SourcePath)
{
    /// <summary>The mail subject: <see cref="IssueMetadata.Subject"/> when set, else "《Title》Number", else the title.</summary>
    public string Subject => Metadata.Subject is { Length: > 0 } subject
        ? subject
        : Metadata.Number is { Length: > 0 } number ? $"《{Metadata.Title}》{number}" : Metadata.Title;

    /// <summary>Every article of every section, in reading order.</summary>
    public IEnumerable<Article> Articles => Sections.SelectMany(s => s.Articles);
}

/// <summary>The front matter of an issue.</summary>
/// <param name="Title">The bulletin's name; <see cref="DefaultTitle"/> when the front matter has no <c>title</c>.</param>
/// <param name="Number">期号 as written, e.g. "2024年第8期"; null when unknown.</param>
/// <param name="Date">Issue date; null when unknown.</param>
/// <param name="Publisher">e.g. 许昌市科学技术情报研究所.</param>
/// <param name="Audiences">Segment keys or Chinese names as written; the caller normalises them.</param>
/// <param name="Subject">Mail subject override; see <see cref="Issue.Subject"/> for the default.</param>
/// <param name="Preheader">The preview text mail clients show after the subject.</param>
/// <param name="IsSample">
/// Front matter <c>sample: true</c>: the issue is a sample whose real 期号 and date are unknown; templates must not
/// invent them.
/// </param>
public sealed record IssueMetadata(
    string Title,
    string? Number,
    DateOnly? Date,
    string? Publisher,
    IReadOnlyList<string> Audiences,
    string? Subject,
    string? Preheader,
    bool IsSample)
{
    /// <summary>The bulletin's name, used when the front matter has no <c>title</c>.</summary>
    public const string DefaultTitle = "许昌竞争情报快递";

    /// <summary>The publisher named by the sample bulletin.</summary>
    public const string DefaultPublisher = "许昌市科学技术情报研究所";

    /// <summary>Where each front-matter key was written, for error positions; empty for issues built in code.</summary>
    public IssueMetadataLines Lines { get; init; } = IssueMetadataLines.None;
}

/// <summary>Positions of the front matter in the source file.</summary>
/// <param name="FrontMatter">Line of the opening <c>---</c>; 1 when there is no front matter (errors then point at the top).</param>
/// <param name="Keys">Every key as written (known or not) with its line, in order.</param>
/// <param name="Audiences">The line of each entry of <see cref="IssueMetadata.Audiences"/>, index for index.</param>
public sealed record IssueMetadataLines(int FrontMatter, IReadOnlyList<FrontMatterKey> Keys, IReadOnlyList<int> Audiences)
{
    /// <summary>No positions: an issue built in code.</summary>
    public static IssueMetadataLines None { get; } = new(1, [], []);

    /// <summary>The line of <paramref name="key"/>, or the front matter's line when the key is absent.</summary>
    public int Of(string key) => Keys.FirstOrDefault(k => k.Name == key)?.Line ?? FrontMatter;

    /// <summary>The line of audience entry <paramref name="index"/>, or of the <c>audiences</c> key.</summary>
    public int OfAudience(int index) => index < Audiences.Count ? Audiences[index] : Of("audiences");
}

/// <summary>A front-matter key as written and its line.</summary>
public sealed record FrontMatterKey(string Name, int Line);

/// <summary>
/// A <c>##</c> section (编者的话, 行业动态, 行业趋势, …): paragraphs written directly under the heading, then articles.
/// </summary>
/// <param name="Title">Heading text.</param>
/// <param name="Paragraphs">Paragraphs before the first article (the whole body of 编者的话).</param>
/// <param name="Articles">The <c>###</c> articles.</param>
/// <param name="Audiences">Segments this section is restricted to, as written; empty = every audience of the issue.</param>
/// <param name="Line">Line of the heading.</param>
public sealed record Section(string Title, IReadOnlyList<Paragraph> Paragraphs, IReadOnlyList<Article> Articles,
    IReadOnlyList<string> Audiences, int Line)
{
    /// <summary>Line of the <c>&lt;!-- audiences: … --&gt;</c> directive; null when there is none.</summary>
    public int? AudiencesLine { get; init; }
}

/// <summary>A <c>###</c> article: paragraphs, <c>####</c> subheadings and tables in order.</summary>
/// <param name="Title">Heading text.</param>
/// <param name="Blocks">Paragraphs, subheadings and tables in reading order.</param>
/// <param name="Industries">Industry tags from the 6+3+3 list (<see cref="Industries"/>), as written.</param>
/// <param name="Line">Line of the heading.</param>
public sealed record Article(string Title, IReadOnlyList<ArticleBlock> Blocks, IReadOnlyList<string> Industries, int Line)
{
    /// <summary>Line of the <c>&lt;!-- industries: … --&gt;</c> directive; null when there is none.</summary>
    public int? IndustriesLine { get; init; }

    /// <summary>The article's paragraphs, without subheadings.</summary>
    public IEnumerable<Paragraph> Paragraphs => Blocks.OfType<Paragraph>();
}

/// <summary>A block of an article's body.</summary>
/// <param name="Line">Line where the block starts.</param>
public abstract record ArticleBlock(int Line);

/// <summary>A paragraph.</summary>
/// <param name="Text">Plain text; links as "text (url)"; soft line breaks joined (without a space between CJK characters).</param>
/// <param name="Html">Safe inline HTML: escaped text, <c>&lt;a href&gt;</c> (http, https, mailto), <c>&lt;strong&gt;</c>, <c>&lt;em&gt;</c> only.</param>
/// <param name="Line">Line where the paragraph starts.</param>
public sealed record Paragraph(string Text, string Html, int Line) : ArticleBlock(Line);

/// <summary>A <c>####</c> subheading inside an article (引进科研平台, 企业求贤若渴, …).</summary>
/// <param name="Text">Heading text, plain.</param>
/// <param name="Line">Line of the heading.</param>
public sealed record Subheading(string Text, int Line) : ArticleBlock(Line);

/// <summary>
/// A table inside an article (a Word table, a Markdown pipe table): a header row and rows of cells, every row as wide
/// as the header.
/// </summary>
/// <param name="Header">The column names, in order.</param>
/// <param name="Rows">The body rows; each has <c>Header.Count</c> cells.</param>
/// <param name="Line">Line where the table starts (its header row).</param>
public sealed record Table(IReadOnlyList<TableCell> Header, IReadOnlyList<IReadOnlyList<TableCell>> Rows, int Line) : ArticleBlock(Line)
{
    /// <summary>The number of columns.</summary>
    public int Columns => Header.Count;
}

/// <summary>A cell of a <see cref="Table"/>, formatted as a <see cref="Paragraph"/> is.</summary>
/// <param name="Text">Plain text; links as "text (url)"; empty for an empty cell.</param>
/// <param name="Html">Safe inline HTML, as <see cref="Paragraph.Html"/>.</param>
public sealed record TableCell(string Text, string Html)
{
    /// <summary>An empty cell.</summary>
    public static TableCell Empty { get; } = new("", "");
}

/// <summary>The outcome of reading an issue: the issue when it could be built, and every mistake found.</summary>
/// <param name="Issue">Null when the source was too broken to build one (errors then say why).</param>
/// <param name="Errors">Mistakes with file:line, in file order; empty when the source is fine.</param>
public sealed record IssueParseResult(Issue? Issue, IReadOnlyList<SourceError> Errors)
{
    /// <summary>True when an issue was built and no mistake was found.</summary>
    public bool Succeeded => Issue is not null && Errors.Count == 0;
}
