using FluentValidation;
using FluentValidation.Results;
using Newsletter.Core.Audience;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Issues;

/// <summary>
/// Checks a parsed issue before it is composed: required metadata, known front-matter keys, known audiences and
/// industries, no empty section or article. Every failure carries the line to fix (see <see cref="Check"/>).
/// </summary>
public sealed class IssueValidator : AbstractValidator<Issue>
{
    /// <summary>The built-in segments, by key and by Chinese name: 市级领导, 县级领导, 重点企业.</summary>
    public static IReadOnlyList<string> BuiltInAudiences { get; } =
        ["municipal", "市级领导", "county", "县级领导", "enterprise", "重点企业"];

    private readonly HashSet<string> knownAudiences;

    /// <summary>Creates a validator that accepts the audiences in <paramref name="knownAudiences"/> (keys and names alike).</summary>
    /// <param name="knownAudiences">Every segment key and name the issue may name; <see cref="BuiltInAudiences"/> when null.</param>
    public IssueValidator(IEnumerable<string>? knownAudiences = null)
    {
        this.knownAudiences = new HashSet<string>(knownAudiences ?? BuiltInAudiences, StringComparer.OrdinalIgnoreCase);

        RuleFor(issue => issue.Metadata.Title).NotEmpty()
            .WithMessage(_ => Texts.Get("core.issue.title_empty"))
            .WithState(issue => new Position(issue.Metadata.Lines.Of("title"), Texts.Format("core.issue.title_empty_hint", IssueMetadata.DefaultTitle)));

        RuleFor(issue => issue.Metadata.Audiences).NotEmpty()
            .WithMessage(_ => Texts.Get("core.issue.no_audiences"))
            .WithState(issue => new Position(issue.Metadata.Lines.Of("audiences"),
                Texts.Format("core.issue.no_audiences_hint", string.Join(", ", Keys(this.knownAudiences)))));

        RuleFor(issue => issue.Sections).NotEmpty()
            .WithMessage(_ => Texts.Get("core.issue.no_sections"))
            .WithState(issue => new Position(issue.Metadata.Lines.FrontMatter, Texts.Get("core.issue.no_sections_hint")));

        RuleFor(issue => issue).Custom(CheckFrontMatterKeys);
        RuleFor(issue => issue).Custom(CheckAudiences);
        RuleFor(issue => issue).Custom(CheckSections);
    }

    /// <summary>Every mistake in <paramref name="issue"/> with its file and line, in line order; empty when it is fine.</summary>
    public IReadOnlyList<SourceError> Check(Issue issue)
    {
        var result = Validate(issue);
        return [.. result.Errors
            .Select(failure => failure.CustomState is Position p
                ? new SourceError(issue.SourcePath, p.Line, failure.ErrorMessage, p.Hint)
                : new SourceError(issue.SourcePath, 0, failure.ErrorMessage))
            .OrderBy(e => e.Line)];
    }

    private static void CheckFrontMatterKeys(Issue issue, ValidationContext<Issue> context)
    {
        foreach (var key in issue.Metadata.Lines.Keys.Where(k => !FrontMatter.Keys.Contains(k.Name)))
        {
            Fail(context, "Metadata", key.Line, Texts.Format("core.issue.unknown_key", key.Name),
                Suggestions.Hint(key.Name, FrontMatter.Keys, Texts.Format("core.issue.unknown_key_hint", string.Join(", ", FrontMatter.Keys))));
        }
    }

    private void CheckAudiences(Issue issue, ValidationContext<Issue> context)
    {
        var audiences = issue.Metadata.Audiences;
        for (var i = 0; i < audiences.Count; i++)
        {
            CheckAudience(context, audiences[i], issue.Metadata.Lines.OfAudience(i));
        }
    }

    private void CheckAudience(ValidationContext<Issue> context, string audience, int line)
    {
        if (!knownAudiences.Contains(audience))
        {
            Fail(context, "Audiences", line, Texts.Format("core.issue.unknown_audience", audience),
                Suggestions.Hint(audience, knownAudiences, Texts.Format("core.issue.unknown_audience_hint", string.Join(", ", knownAudiences))));
        }
    }

    private void CheckSections(Issue issue, ValidationContext<Issue> context)
    {
        foreach (var section in issue.Sections)
        {
            if (section.Paragraphs.Count == 0 && section.Articles.Count == 0)
            {
                Fail(context, "Sections", section.Line, Texts.Format("core.issue.section_empty", section.Title),
                    Texts.Get("core.issue.empty_heading_hint"));
            }
            foreach (var audience in section.Audiences)
            {
                CheckAudience(context, audience, section.AudiencesLine ?? section.Line);
            }
            foreach (var article in section.Articles)
            {
                CheckArticle(context, article);
            }
        }
    }

    private static void CheckArticle(ValidationContext<Issue> context, Article article)
    {
        if (!article.Blocks.Any(b => b is Paragraph or Table))
        {
            Fail(context, "Articles", article.Line, Texts.Format("core.issue.article_empty", article.Title),
                Texts.Get("core.issue.empty_heading_hint"));
        }
        else
        {
            // A subheading must introduce text: one followed by another subheading or by the article's end is a leftover.
            for (var i = 0; i < article.Blocks.Count; i++)
            {
                if (article.Blocks[i] is Subheading subheading && (i + 1 == article.Blocks.Count || article.Blocks[i + 1] is Subheading))
                {
                    Fail(context, "Articles", subheading.Line, Texts.Format("core.issue.subheading_empty", subheading.Text),
                        Texts.Get("core.issue.subheading_empty_hint"));
                }
            }
        }
        foreach (var industry in article.Industries.Where(i => !Industries.All.Contains(i)))
        {
            Fail(context, "Industries", article.IndustriesLine ?? article.Line, Texts.Format("core.issue.unknown_industry", industry),
                Suggestions.Hint(industry, Industries.All, Texts.Format("core.issue.unknown_industry_hint", string.Join("、", Industries.All))));
        }
    }

    /// <summary>The segment keys among known names (keys are ASCII, names Chinese), for hints; all names when none is a key.</summary>
    private static IEnumerable<string> Keys(IEnumerable<string> known)
    {
        var keys = known.Where(k => k.All(char.IsAscii)).ToList();
        return keys.Count > 0 ? keys : known;
    }

    private static void Fail(ValidationContext<Issue> context, string property, int line, string message, string? hint) =>
        context.AddFailure(new ValidationFailure(property, message) { CustomState = new Position(line, hint) });

    private sealed record Position(int Line, string? Hint);
}
