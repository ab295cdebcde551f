using System.Collections.Frozen;
using Newsletter.Mjml.Parsing;

namespace Newsletter.Mjml.Rendering;

/// <summary>The static description of one MJML component: its tag, attribute types and defaults, how to build it.</summary>
internal sealed class ComponentSpec
{
    public ComponentSpec(string tagName, string[] allowedAttributes, string[] defaultAttributes)
    {
        TagName = tagName;
        var allowed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < allowedAttributes.Length; i += 2) allowed[allowedAttributes[i]] = allowedAttributes[i + 1];
        AllowedAttributes = allowed;
        var defaults = new List<KeyValuePair<string, string>>();
        for (var i = 0; i + 1 < defaultAttributes.Length; i += 2) defaults.Add(new(defaultAttributes[i], defaultAttributes[i + 1]));
        DefaultAttributes = defaults;
        var colors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in allowed)
        {
            if (pair.Value.StartsWith("color", StringComparison.OrdinalIgnoreCase)) colors.Add(pair.Key);
        }
        ColorAttributes = [.. colors];
        // Every declared or defaulted name gets a number; the defaults (the last of a repeated name wins) by number.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in allowed.Keys) index.TryAdd(name, index.Count);
        foreach (var pair in defaults) index.TryAdd(pair.Key, index.Count);
        var values = new string?[index.Count];
        foreach (var pair in defaults) values[index[pair.Key]] = pair.Value;
        ColorIndexes = [.. colors.Select(name => index[name])];
        foreach (var i in ColorIndexes)
        {
            if (values[i] is { } v && IsShortColor(v)) values[i] = ExpandShortColor(v);
        }
        AttributeIndex = index.ToFrozenDictionary(StringComparer.Ordinal);
        DefaultValues = values;
    }

    /// <summary><c>#abc</c> (mjml's color type expands it).</summary>
    public static bool IsShortColor(string v) => v.Length == 4 && v[0] == '#' && IsWord(v[1]) && IsWord(v[2]) && IsWord(v[3]);

    /// <summary><c>#abc</c> → <c>#aabbcc</c>.</summary>
    public static string ExpandShortColor(string v) => string.Concat("#", new string(v[1], 2), new string(v[2], 2), new string(v[3], 2));

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    public string TagName { get; }

    /// <summary>Attribute name → mjml type string (<c>unit(px,%){1,4}</c>, <c>color</c>, <c>enum(a,b)</c>, …).</summary>
    public IReadOnlyDictionary<string, string> AllowedAttributes { get; }

    public IReadOnlyList<KeyValuePair<string, string>> DefaultAttributes { get; }

    /// <summary>The number of each attribute the component declares or defaults (<see cref="ComponentAttributes"/>).</summary>
    public FrozenDictionary<string, int> AttributeIndex { get; }

    /// <summary>The default of each numbered attribute (null: none), short colors expanded.</summary>
    public string?[] DefaultValues { get; }

    /// <summary>The numbers of the color attributes.</summary>
    public int[] ColorIndexes { get; }

    /// <summary>Attributes of type color, whose 3-digit hex values mjml expands.</summary>
    public string[] ColorAttributes { get; }

    /// <summary>The inner markup is kept raw (mj-text, mj-button, mj-raw…).</summary>
    public bool EndingTag { get; init; }

    /// <summary>Rendered as is, without a wrapping cell (mj-raw).</summary>
    public bool RawElement { get; init; }

    /// <summary>Builds the body component; null for head components.</summary>
    public Func<ComponentInit, BodyComponent>? CreateBody { get; init; }

    /// <summary>Handles a head element; null for body components.</summary>
    public Action<MjmlNode, RenderSession>? HandleHead { get; init; }
}
