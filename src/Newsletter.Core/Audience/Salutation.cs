namespace Newsletter.Core.Audience;

/// <summary>How a letter addresses its reader: 尊敬的王局长 from 王建国 and 局长.</summary>
public static class Salutation
{
    // Two-character surnames from the 百家姓 compound list; a name starting with one keeps both characters.
    private static readonly HashSet<string> CompoundSurnames =
    [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
        "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "闻人", "澹台", "公冶", "太史", "申屠", "赫连",
        "万俟", "濮阳", "淳于", "单于", "宗政", "拓跋", "羊舌", "微生", "梁丘", "左丘", "东郭", "第五", "司空", "亓官",
    ];

    /// <summary>
    /// 尊敬的 + surname + title (王建国 + 副局长 → 尊敬的王副局长; 欧阳明 + 主任 → 尊敬的欧阳主任). A title listing
    /// several posts (党组书记、局长) uses the first. Without a title, or for a name that is not written in Chinese,
    /// the whole name: 尊敬的王建国.
    /// </summary>
    public static string Derive(string name, string? title)
    {
        var trimmedName = name.Trim();
        var post = FirstPost(title);
        if (post.Length == 0 || trimmedName.Length < 2 || !IsHan(trimmedName))
        {
            return "尊敬的" + trimmedName;
        }

        return "尊敬的" + Surname(trimmedName) + post;
    }

    /// <summary>The surname of a Chinese name: a compound surname (欧阳, 司马, …) or the first character.</summary>
    public static string Surname(string name) =>
        name.Length > 2 && CompoundSurnames.Contains(name[..2]) ? name[..2] : name[..1];

    private static string FirstPost(string? title)
    {
        if (string.IsNullOrWhiteSpace(title)) return "";
        var first = title.Split(['、', '，', ',', '/', ';', '；', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault() ?? "";
        return first.Trim();
    }

    private static bool IsHan(string s) => s.All(c => c is >= '\u3400' and <= '\u9fff' or '·');
}
