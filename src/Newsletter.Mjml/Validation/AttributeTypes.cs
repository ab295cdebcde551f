using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Newsletter.Mjml.Validation;

/// <summary>mjml-core's attribute types (boolean, enum, color, unit, string, integer): validity and error messages.</summary>
internal static class AttributeTypes
{
    private static readonly ConcurrentDictionary<string, TypeChecker> Cache = new(StringComparer.Ordinal);

    private static readonly string[] ColorNames =
    [
        "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond", "blue", "blueviolet", "brown",
        "burlywood", "cadetblue", "chartreuse", "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan",
        "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred",
        "darksalmon", "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink", "deepskyblue",
        "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod",
        "gray", "green", "greenyellow", "grey", "honeydew", "hotpink", "indianred", "indigo", "inherit", "ivory", "khaki", "lavender",
        "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray", "lightgreen",
        "lightgrey", "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue",
        "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine", "mediumblue", "mediumorchid", "mediumpurple",
        "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream", "mistyrose",
        "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen",
        "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "rebeccapurple", "red",
        "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue", "slateblue",
        "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato", "transparent", "turquoise", "violet",
        "wheat", "white", "whitesmoke", "yellow", "yellowgreen",
    ];

    private static readonly HashSet<string> ColorSet = new(ColorNames, StringComparer.Ordinal);

    private static readonly Regex Rgba = new(@"rgba\(\d{1,3},\s?\d{1,3},\s?\d{1,3},\s?\d(\.\d{1,3})?\)", RegexOptions.IgnoreCase | RegexOptions.ECMAScript | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Rgb = new(@"rgb\(\d{1,3},\s?\d{1,3},\s?\d{1,3}\)", RegexOptions.IgnoreCase | RegexOptions.ECMAScript | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Hex = new("^#([0-9a-f]{3}){1,2}$", RegexOptions.IgnoreCase | RegexOptions.ECMAScript | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Returns the error message (without the "Attribute name " prefix) or null when the value is valid.</summary>
    public static string? Check(string type, string value) => Cache.GetOrAdd(type, Create).Check(value);

    private static TypeChecker Create(string type)
    {
        if (type.StartsWith("boolean", StringComparison.OrdinalIgnoreCase))
        {
            return new TypeChecker(v => v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase),
                v => $"has invalid value: {v} for type Boolean ");
        }
        if (type.StartsWith("enum", StringComparison.OrdinalIgnoreCase))
        {
            var open = type.IndexOf('(', StringComparison.Ordinal);
            var close = type.IndexOf(')', open + 1);
            var values = type[(open + 1)..close].Split(',');
            var set = new HashSet<string>(values, StringComparer.Ordinal);
            var list = string.Join(", ", values);
            return new TypeChecker(set.Contains, v => $"has invalid value: {v} for type Enum, only accepts {list}");
        }
        if (type.StartsWith("color", StringComparison.OrdinalIgnoreCase))
        {
            return new TypeChecker(v => Rgba.IsMatch(v) || Rgb.IsMatch(v) || Hex.IsMatch(v) || ColorSet.Contains(v),
                v => $"has invalid value: {v} for type Color ");
        }
        if (type.StartsWith("unit", StringComparison.OrdinalIgnoreCase))
        {
            var allowNeg = type.StartsWith("unitWithNegative", StringComparison.Ordinal) ? "-|" : "";
            var open = type.IndexOf('(', StringComparison.Ordinal);
            var close = type.IndexOf(')', open + 1);
            var units = type[(open + 1)..close].Split(',');
            var braceOpen = type.IndexOf('{', StringComparison.Ordinal);
            var args = braceOpen >= 0 ? type[(braceOpen + 1)..type.IndexOf('}', braceOpen)].Split(',') : ["1"];
            var allowAuto = Array.IndexOf(units, "auto") >= 0 ? "|auto" : "";
            var unitAlternatives = string.Join('|', Array.FindAll(units, u => u != "auto").Select(Regex.Escape));
            var pattern = $"^((({allowNeg}\\d|,|\\.){{1,}}({unitAlternatives})|0{allowAuto})( )?){{{string.Join(',', args)}}}$";
            var regex = new Regex(pattern, RegexOptions.ECMAScript | RegexOptions.CultureInvariant | RegexOptions.Compiled);
            var message = $"only accepts ({string.Join(", ", units)}) units and {string.Join(" to ", args)} value(s)";
            return new TypeChecker(regex.IsMatch, v => $"has invalid value: {v} for type Unit, {message}");
        }
        if (type.StartsWith("integer", StringComparison.OrdinalIgnoreCase))
        {
            return new TypeChecker(v => v.Any(char.IsAsciiDigit), v => $"has invalid value: {v} for type NInteger ");
        }
        return new TypeChecker(static _ => true, static _ => "");
    }

    private sealed class TypeChecker(Func<string, bool> isValid, Func<string, string> message)
    {
        public string? Check(string value) => isValid(value) ? null : message(value);
    }
}
