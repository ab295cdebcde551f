using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// Support for the parser fuzz tests: seeded mutations of a source text, and calls run with a deadline. A deadline is
/// not a timing assertion: it is generous (a minute) and only catches a call that does not return at all — a hang,
/// or input-driven work that explodes — and then fails naming the input, saved to a file to reproduce it.
/// </summary>
public static class Fuzz
{
    /// <summary>How long one parser call may run before it is taken for a hang.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="call"/> on its own thread (a thread's default stack, smaller than the main thread's, so
    /// unbounded recursion shows early) and returns its result or rethrows its exception; throws a
    /// <see cref="TimeoutException"/> naming the saved input when it has not returned by the deadline.
    /// </summary>
    public static T Call<T>(string label, string input, Func<CancellationToken, T> call) =>
        Call(label, Encoding.UTF8.GetBytes(input), call);

    /// <inheritdoc cref="Call{T}(string, string, Func{CancellationToken, T})"/>
    public static T Call<T>(string label, byte[] input, Func<CancellationToken, T> call)
    {
        using var cancel = new CancellationTokenSource();
        var task = Task.Factory.StartNew(() => call(cancel.Token), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool completed;
        try
        {
            completed = task.Wait(Deadline);
        }
        catch (AggregateException)
        {
            completed = true; // faulted: GetResult below rethrows the exception itself
        }
        if (!completed)
        {
            cancel.Cancel();
            var saved = Path.Combine(Path.GetTempPath(), $"fuzz-hang-{Guid.NewGuid():N}.bin");
            File.WriteAllBytes(saved, input);
            throw new TimeoutException($"{label} did not return within {Deadline.TotalSeconds:N0} s; the input is saved in {saved} (starts: {Preview(input)})");
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>The first characters of an input, control characters shown as \uXXXX, for a failure message.</summary>
    public static string Preview(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input, 0, Math.Min(input.Length, 160));
        var shown = new StringBuilder();
        foreach (var c in text) shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return shown.ToString();
    }

    /// <summary>Fragments a mutation inserts: the markup of every format we parse, and the runs that nest.</summary>
    private static readonly string[] Fragments =
    [
        "*", "**", "_", "__", "[", "]", "(", ")", "](http://x)", "<", ">", "<!--", "-->", "#", "## ", "### ", "#### ", "---", "\n", "\r\n",
        "\r", "\n\n", "`", "```", "    ", "> ", "- ", "1. ", "|", "\\", "&", "&amp;", "&#", "\"", "'", ",", "\t", "=", "●", "◆", "、", "：",
        "2024年第8期", "二〇二四年八月十五日", "中文", "\u0000", "\u001b[2J", "\uFEFF", "\uFFFD", "\u2028", "\ud800",
        new string('*', 500), new string('[', 500), new string('>', 300), new string('_', 500), string.Concat(Enumerable.Repeat("[a", 300)),
        string.Concat(Enumerable.Repeat("- ", 300)), string.Concat(Enumerable.Repeat("<!-- a ", 100)),
    ];

    /// <summary>A seeded random mutation of <paramref name="source"/>: 1–5 deletions, insertions, copies, truncations, replacements or swaps.</summary>
    public static string Mutate(string source, Random random)
    {
        var sb = new StringBuilder(source);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            var at = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(6))
            {
                case 0 when sb.Length > 0:
                    sb.Remove(at, Math.Min(random.Next(1, 200), sb.Length - at));
                    break;
                case 1:
                    sb.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when sb.Length > 0:
                    var length = Math.Min(random.Next(1, 300), sb.Length - at);
                    sb.Insert(random.Next(sb.Length), sb.ToString(at, length));
                    break;
                case 3 when sb.Length > 0:
                    sb.Length = at;
                    break;
                case 4 when sb.Length > 0:
                    sb[at] = (char)random.Next(1, 0x3100);
                    break;
                case 5 when sb.Length > 1:
                    var other = random.Next(sb.Length);
                    (sb[at], sb[other]) = (sb[other], sb[at]);
                    break;
                default:
                    sb.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A seeded random mutation of bytes (a zip, say): flips, overwrites, deletions, copies and truncations.</summary>
    public static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }
}
