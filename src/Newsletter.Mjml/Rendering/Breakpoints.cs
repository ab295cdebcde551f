namespace Newsletter.Mjml.Rendering;

/// <summary>mjml-core's makeLowerBreakpoint.</summary>
internal static class Breakpoints
{
    public static string Lower(string breakpoint)
    {
        var i = 0;
        while (i < breakpoint.Length && !char.IsAsciiDigit(breakpoint[i])) i++;
        if (i == breakpoint.Length) return breakpoint;
        var j = i;
        while (j < breakpoint.Length && char.IsAsciiDigit(breakpoint[j])) j++;
        return Js.Num(Js.ParseInt(breakpoint[i..j]) - 1) + "px";
    }
}
