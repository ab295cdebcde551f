using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Campaigns;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// <c>--district</c> and <c>--industry</c> of <c>publish</c> and <c>schedule</c>: each repeatable and each a list
/// separated like <c>--segments</c> (, ; | 、 ，), resolved to the campaign's <see cref="AudienceTags"/>.
/// </summary>
internal static class AudienceTagOptions
{
    public const string DistrictDescription =
        "cli.audience.district"; // a key of Localization/cli.*.json

    public const string IndustryDescription =
        "cli.audience.industry"; // a key of Localization/cli.*.json

    /// <summary>The tags named by the options; <see cref="AudienceTags.None"/> when neither was given.</summary>
    /// <exception cref="UserErrorException">An option is given empty, or names an unknown district or industry.</exception>
    public static async Task<AudienceTags> ResolveAsync(IssuePublisher publisher, string[]? districts, string[]? industries,
        string outcome, CancellationToken ct)
    {
        var districtNames = Split(districts, "--district", "--district 魏都区,禹州市", outcome);
        var industryNames = Split(industries, "--industry", "--industry 新材料,发制品", outcome);
        try
        {
            return await publisher.ResolveTagsAsync(districtNames, industryNames, ct);
        }
        catch (AudienceTagException e)
        {
            throw new UserErrorException(e.Message + Texts.Get("core.separator.clause") + outcome, e.Hint);
        }
    }

    /// <summary>"→ municipal, county (district 禹州市; industry 新材料)" style suffix: "" without tags.</summary>
    public static string Suffix(AudienceTags tags) => tags.IsEmpty ? "" : $" ({tags.Describe()})";

    private static IReadOnlyList<string> Split(string[]? values, string option, string example, string outcome)
    {
        if (values is null || values.Length == 0)
        {
            return [];
        }
        var names = values.SelectMany(Segments.SplitList).ToList();
        if (names.Count == 0 || values.Any(string.IsNullOrWhiteSpace))
        {
            throw new UserErrorException(Texts.Format("cli.audience_tag_options.is_empty", option, outcome), Texts.Format("cli.audience_tag_options.name_one_or_more", example, option));
        }
        return names;
    }
}

/// <summary>The <c>--district</c> and <c>--industry</c> options, declared once for <c>publish</c>, <c>schedule</c> and <c>schedule plan add</c>.</summary>
internal abstract class AudienceTagSettings : GlobalSettings
{
    [CommandOption("--district <LIST>")]
    [Text(AudienceTagOptions.DistrictDescription)]
    public string[]? Districts { get; init; }

    [CommandOption("--industry <LIST>")]
    [Text(AudienceTagOptions.IndustryDescription)]
    public string[]? Industries { get; init; }
}
