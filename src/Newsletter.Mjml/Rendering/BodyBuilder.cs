using System.Text;

namespace Newsletter.Mjml.Rendering;

/// <summary>
/// The builder a compile renders its body into: one per thread, kept between compiles. A new builder allocates its
/// chunks again for every document (a third of the bytes of a compile); a kept one, once cleared, is one array as
/// large as the largest document so far, and rendering the next one allocates nothing for it.
/// </summary>
internal static class BodyBuilder
{
    /// <summary>A builder that grew larger than this (characters) is not kept: a rare huge document does not stay in memory.</summary>
    public const int MaxKeptCapacity = 512 * 1024;

    [ThreadStatic]
    private static StringBuilder? _kept;

    /// <summary>The thread's builder, empty, or a new one (when it is in use: a compile inside a compile).</summary>
    public static StringBuilder Acquire()
    {
        var sb = _kept;
        if (sb is null) return new StringBuilder();
        _kept = null;
        return sb;
    }

    /// <summary>Gives <paramref name="sb"/> back for the thread's next compile; not used after.</summary>
    public static void Release(StringBuilder sb)
    {
        if (sb.Capacity > MaxKeptCapacity) return;
        sb.Clear();
        _kept = sb;
    }
}
