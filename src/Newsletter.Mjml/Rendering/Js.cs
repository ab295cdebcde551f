using System.Globalization;

namespace Newsletter.Mjml.Rendering;

/// <summary>The few JavaScript number semantics mjml's output depends on, culture-invariant.</summary>
internal static class Js
{
    /// <summary>Formats a number the way JavaScript's <c>String(n)</c> does (shortest round-trip, no culture).</summary>
    public static string Num(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return "0";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e21)
        {
            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return r;
        // .NET prints 1E-07 where JavaScript prints 1e-7; only tiny or huge numbers get here.
        var mantissa = r[..e];
        var exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        if (exponent >= -6 && exponent < 21)
        {
            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }
        return mantissa + "e" + (exponent > 0 ? "+" : "-") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    public static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>JavaScript <c>parseInt(s, 10)</c>: leading whitespace, optional sign, digits; NaN when none.</summary>
    public static double ParseInt(string? s) => s is null ? double.NaN : ParseInt(s.AsSpan());

    /// <summary>JavaScript <c>parseInt(s, 10)</c> of a part of a string.</summary>
    public static double ParseInt(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && IsJsSpace(s[i])) i++;
        var negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }
        var start = i;
        double result = 0;
        while (i < s.Length && s[i] >= '0' && s[i] <= '9')
        {
            result = result * 10 + (s[i] - '0');
            i++;
        }
        if (i == start) return double.NaN;
        return negative ? -result : result;
    }

    /// <summary>JavaScript <c>parseFloat(s)</c>.</summary>
    public static double ParseFloat(string? s)
    {
        if (s is null) return double.NaN;
        var i = 0;
        while (i < s.Length && IsJsSpace(s[i])) i++;
        var start = i;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
        if (string.CompareOrdinal(s, i, "Infinity", 0, 8) == 0)
        {
            return s[start] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        }
        if (digits == 0) return double.NaN;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            var j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-')) j++;
            var expStart = j;
            while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
            if (j > expStart) i = j;
        }
        var text = s.AsSpan(start, i - start);
        if (text.EndsWith('.')) text = text[..^1];
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>JavaScript <c>Number(x.toFixed(6))</c>.</summary>
    public static double ToFixed6(double value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);

    /// <summary>JavaScript <c>Math.round</c> (halves go up).</summary>
    public static double Round(double value) => Math.Floor(value + 0.5);

    private static bool IsJsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' or '\u00a0' or '\ufeff' || char.IsWhiteSpace(c);

    /// <summary>JavaScript truthiness of an attribute value (the parser turns "false" into the boolean false).</summary>
    public static bool Truthy(string? value) => !string.IsNullOrEmpty(value) && value != "false";
}
