namespace Newsletter.Mjml.Rendering;

/// <summary>mjml-core's shorthandParser, borderParser and widthParser.</summary>
internal static class Shorthand
{
    public static double Parse(string cssValue, string direction)
    {
        // cssValue.trim().split(/\s+/), counted on the string: no array, no part copied.
        Span<Range> parts = stackalloc Range[5];
        var count = Tokens(cssValue, parts);
        int index;
        switch (count)
        {
            case 2:
                index = direction is "top" or "bottom" ? 0 : 1;
                break;
            case 3:
                index = direction switch { "top" => 0, "bottom" => 2, _ => 1 };
                break;
            case 4:
                index = direction switch { "top" => 0, "right" => 1, "bottom" => 2, _ => 3 };
                break;
            default:
                return Js.ParseInt(cssValue);
        }
        return Js.ParseInt(cssValue.AsSpan(parts[index]));
    }

    /// <summary>The first whitespace-separated tokens of <paramref name="value"/> (as many as fit in <paramref name="parts"/>, at most 4 counted).</summary>
    private static int Tokens(string value, Span<Range> parts)
    {
        var count = 0;
        var i = 0;
        while (i < value.Length && count < parts.Length)
        {
            while (i < value.Length && char.IsWhiteSpace(value[i])) i++;
            if (i >= value.Length) break;
            var start = i;
            while (i < value.Length && !char.IsWhiteSpace(value[i])) i++;
            parts[count++] = start..i;
        }
        return Math.Min(count, 4);
    }

    /// <summary><c>parseInt(border.match(/(?:(?:^| )(\d+))/)[1]) || 0</c>.</summary>
    public static double Border(string border)
    {
        for (var i = 0; i < border.Length; i++)
        {
            if (!char.IsAsciiDigit(border[i])) continue;
            if (i == 0 || border[i - 1] == ' ')
            {
                var j = i;
                while (j < border.Length && char.IsAsciiDigit(border[j])) j++;
                var v = Js.ParseInt(border.AsSpan(i, j - i));
                return double.IsNaN(v) ? 0 : v;
            }
        }
        return 0;
    }

    /// <summary>widthParser: the number and its unit (px when none).</summary>
    public static (double ParsedWidth, string Unit) Width(string width, bool parseFloatToInt = true)
    {
        // unitRegex = /[\d.,]*(\D*)$/ : the trailing non-digits after the last digit run.
        var end = width.Length;
        var k = end;
        while (k > 0 && !char.IsAsciiDigit(width[k - 1])) k--;
        var unit = width[k..];
        // The regex needs [\d.,]* right before the unit; a unit containing '.' or ',' shifts, which is rare.
        var trimmedUnit = unit.TrimStart('.', ',');
        if (trimmedUnit.Length != unit.Length) unit = trimmedUnit;
        double parsed = unit == "%" && !parseFloatToInt ? Js.ParseFloat(width) : Js.ParseInt(width);
        return (parsed, unit.Length == 0 ? "px" : unit);
    }
}
