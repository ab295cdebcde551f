namespace Newsletter.Core.Issues;

/// <summary>A section being filled by an importer (<see cref="BulletinTextImporter"/>, <see cref="BulletinWordImporter"/>).</summary>
internal sealed class SectionDraft(string title, int line)
{
    public List<Paragraph> Paragraphs { get; } = [];
    public List<ArticleDraft> Articles { get; } = [];

    public Section Build() => new(title, [.. Paragraphs], [.. Articles.Select(a => a.Build())], [], line);
}

/// <summary>An article being filled by an importer.</summary>
internal sealed class ArticleDraft(string title, int line)
{
    public List<ArticleBlock> Blocks { get; } = [];

    public Article Build() => new(title, [.. Blocks], [], line);
}
