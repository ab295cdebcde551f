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
        "Only subscribers tagged with one of these districts (区县), comma-separated or repeated: 魏都区,禹州市. Part of the campaign's identity.";

    public const string IndustryDescription =
        "Only subscribers following one of these industries (行业), comma-separated or repeated: 新材料,发制品. Part of the campaign's identity.";

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
            throw new UserErrorException(e.Message + "; " + outcome, e.Hint);
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
            throw new UserErrorException($"{option} is empty; {outcome}", $"name one or more, e.g. {example}, or leave {option} out");
        }
        return names;
    }
}
