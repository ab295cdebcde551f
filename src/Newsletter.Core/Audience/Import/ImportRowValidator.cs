using FluentValidation;

namespace Newsletter.Core.Audience.Import;

/// <summary>The fields of one subscriber as written in a file or on the command line, before normalisation.</summary>
public sealed record ImportRow(int Line, string Email, string Name, string? Organisation, string? Title, string? Segments,
    string? District, string? Industries, string? Status, string? Salutation);

/// <summary>
/// Per-row rules shared by the import and the admin commands: a valid address, a name, known segments, industries and
/// status, length limits, and no control characters (a name holding "\r\nBcc:" must never reach a header) or
/// spreadsheet formulas in any field.
/// </summary>
public sealed class ImportRowValidator : AbstractValidator<ImportRow>
{
    public const int MaxName = 100;
    public const int MaxOrganisation = 200;
    public const int MaxTitle = 100;
    public const int MaxDistrict = 50;
    public const int MaxSalutation = 100;
    public const int MaxList = 500;

    /// <param name="known">The store's segments.</param>
    /// <param name="defaultSegment">Segment for rows whose segment cell is empty (from --segment); null when none.</param>
    /// <param name="knownIndustriesOnly">
    /// True (add, edit): an industry outside <see cref="Industries.All"/> is an error. False (import): the importer keeps the
    /// person and warns (<see cref="ImportTagCheck"/>).
    /// </param>
    public ImportRowValidator(IReadOnlyCollection<Segment> known, string? defaultSegment = null, bool knownIndustriesOnly = true)
    {
        RuleFor(r => r.Email).Cascade(CascadeMode.Stop)
            .Must(NoControlCharacters).WithMessage(ControlMessage)
            .Must(NotFormula).WithMessage(FormulaMessage)
            .Must(e => EmailAddress.TryNormalize(e, out _, out _))
            .WithMessage(r => EmailAddress.TryNormalize(r.Email, out _, out var error) ? "" : error);
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("the name is empty")
            .Must(NoControlCharacters).WithMessage(ControlMessage)
            .Must(NotFormula).WithMessage(FormulaMessage)
            .Must(n => n.Trim().Length <= MaxName).WithMessage($"the name is longer than {MaxName} characters");
        Text(r => r.Organisation, MaxOrganisation, "the organisation");
        Text(r => r.Title, MaxTitle, "the title");
        Text(r => r.District, MaxDistrict, "the district");
        Text(r => r.Salutation, MaxSalutation, "the salutation");
        Text(r => r.Segments, MaxList, "the segment list");
        Text(r => r.Industries, MaxList, "the industry list");

        RuleFor(r => r.Segments).Must(s => Segments.SplitList(s).Count > 0 || defaultSegment is not null)
            .WithMessage("no segment: fill the segment column or give --segment");
        RuleForEach(r => Segments.SplitList(r.Segments)).Must(s => Segments.TryResolve(s, known, out _))
            .WithMessage((_, s) => $"unknown segment '{s}' (known: {Segments.Describe(known)})")
            .OverridePropertyName(nameof(ImportRow.Segments));
        if (knownIndustriesOnly)
        {
            RuleForEach(r => Segments.SplitList(r.Industries)).Must(i => Industries.TryResolve(i, out _))
                .WithMessage((_, i) => $"unknown industry '{i}' (known: {Industries.Describe()})")
                .OverridePropertyName(nameof(ImportRow.Industries));
        }
        RuleFor(r => r.Status).Must(s => string.IsNullOrWhiteSpace(s) || SubscriberStatusNames.TryParse(s, out _))
            .WithMessage(r => $"unknown status '{r.Status}' (use active, unsubscribed, bounced or complained)");
    }

    private const string ControlMessage = "contains a control character (line break, tab or NUL)";
    private const string FormulaMessage = "starts with = + - or @ like a spreadsheet formula";

    private void Text(System.Linq.Expressions.Expression<Func<ImportRow, string?>> field, int max, string what) =>
        RuleFor(field).Cascade(CascadeMode.Stop)
            .Must(NoControlCharacters).WithMessage(ControlMessage)
            .Must(NotFormula).WithMessage(FormulaMessage)
            .Must(v => v is null || v.Trim().Length <= max).WithMessage($"{what} is longer than {max} characters");

    private static bool NoControlCharacters(string? value) =>
        value is null || !value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    private static bool NotFormula(string? value)
    {
        var t = value?.Trim();
        // A lone "-" is how many lists say "none"; it cannot start a formula.
        return string.IsNullOrEmpty(t) || t == "-" || t[0] is not ('=' or '+' or '-' or '@');
    }
}
