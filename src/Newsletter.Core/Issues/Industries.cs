namespace Newsletter.Core.Issues;

/// <summary>
/// The industries an article can be tagged with: Xuchang's "6+3+3" list — six strategic emerging industries,
/// three advantageous leading industries, three traditional industries being upgraded.
/// </summary>
public static class Industries
{
    /// <summary>六大战略性新兴产业.</summary>
    public static IReadOnlyList<string> Emerging { get; } = ["新一代信息技术", "新材料", "生物医药", "智能装备", "新能源汽车", "节能环保"];

    /// <summary>三大优势主导产业.</summary>
    public static IReadOnlyList<string> Leading { get; } = ["装备制造", "食品", "发制品"];

    /// <summary>三大传统产业.</summary>
    public static IReadOnlyList<string> Traditional { get; } = ["建材", "化工", "轻纺"];

    /// <summary>All twelve, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Emerging, .. Leading, .. Traditional];
}
