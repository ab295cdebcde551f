namespace Newsletter.Mjml;

/// <summary>One problem found in the input: the 1-based line of the element, its tag and mjml's message.</summary>
public sealed record MjmlError(int Line, string TagName, string Message)
{
    /// <summary><c>Line 3 (mj-text) — message</c>, like mjml's formattedMessage without the file.</summary>
    public override string ToString() => $"Line {Line} ({TagName}) — {Message}";
}

/// <summary>The result of a compilation.</summary>
/// <param name="Html">The HTML document; empty when <paramref name="Rejected"/>.</param>
/// <param name="Errors">Validation errors in document order (and, when rejected, the reason).</param>
/// <param name="Rejected">True when no HTML could be produced: malformed input, no mj-body, or strict validation errors.</param>
public sealed record MjmlResult(string Html, IReadOnlyList<MjmlError> Errors, bool Rejected)
{
    /// <summary>True when HTML was produced and there were no validation errors.</summary>
    public bool IsValid => !Rejected && Errors.Count == 0;
}
