using FluentValidation;
using Newsletter.Core.Localization;

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
            .Must(NoControlCharacters).WithMessage(_ => Texts.Get("import.reason.control_character"))
            .Must(NotFormula).WithMessage(_ => Texts.Get("import.reason.formula"))
            .Must(e => EmailAddress.TryNormalize(e, out _, out _))
            .WithMessage(r => EmailAddress.TryNormalize(r.Email, out _, out var error) ? "" : error);
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => Texts.Get("import.reason.name_empty"))
            .Must(NoControlCharacters).WithMessage(_ => Texts.Get("import.reason.control_character"))
            .Must(NotFormula).WithMessage(_ => Texts.Get("import.reason.formula"))
            .Must(n => n.Trim().Length <= MaxName).WithMessage(_ => Texts.Format("import.reason.too_long", Texts.Get("import.field.name"), MaxName));
        Text(r => r.Organisation, MaxOrganisation, "import.field.organisation");
        Text(r => r.Title, MaxTitle, "import.field.title");
        Text(r => r.District, MaxDistrict, "import.field.district");
        Text(r => r.Salutation, MaxSalutation, "import.field.salutation");
        Text(r => r.Segments, MaxList, "import.field.segments");
        Text(r => r.Industries, MaxList, "import.field.industries");

        RuleFor(r => r.Segments).Must(s => Segments.SplitList(s).Count > 0 || defaultSegment is not null)
            .WithMessage(_ => Texts.Get("import.reason.no_segment"));
        RuleForEach(r => Segments.SplitList(r.Segments)).Must(s => Segments.TryResolve(s, known, out _))
            .WithMessage((_, s) => Texts.Format("import.reason.unknown_segment", s, Segments.Describe(known)))
            .OverridePropertyName(nameof(ImportRow.Segments));
        if (knownIndustriesOnly)
        {
            RuleForEach(r => Segments.SplitList(r.Industries)).Must(i => Industries.TryResolve(i, out _))
                .WithMessage((_, i) => Texts.Format("import.reason.unknown_industry", i, Industries.Describe()))
                .OverridePropertyName(nameof(ImportRow.Industries));
        }
        RuleFor(r => r.Status).Must(s => string.IsNullOrWhiteSpace(s) || SubscriberStatusNames.TryParse(s, out _))
            .WithMessage(r => Texts.Format("import.reason.unknown_status", r.Status));
    }


    private void Text(System.Linq.Expressions.Expression<Func<ImportRow, string?>> field, int max, string whatKey) =>
        RuleFor(field).Cascade(CascadeMode.Stop)
            .Must(NoControlCharacters).WithMessage(_ => Texts.Get("import.reason.control_character"))
            .Must(NotFormula).WithMessage(_ => Texts.Get("import.reason.formula"))
            .Must(v => v is null || v.Trim().Length <= max).WithMessage(_ => Texts.Format("import.reason.too_long", Texts.Get(whatKey), max));

    private static bool NoControlCharacters(string? value) =>
        value is null || !value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    private static bool NotFormula(string? value)
    {
        var t = value?.Trim();
        // A lone "-" is how many lists say "none"; it cannot start a formula.
        return string.IsNullOrEmpty(t) || t == "-" || t[0] is not ('=' or '+' or '-' or '@');
    }
}
