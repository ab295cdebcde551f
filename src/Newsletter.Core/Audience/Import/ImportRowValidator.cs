using FluentValidation;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Audience.Import;

/// <summary>The fields of one subscriber as written in a file or on the command line, before normalisation.</summary>
public sealed record ImportRow(int Line, string Email, string Name, string? Organisation, string? Title, string? Segments,
    string? District, string? Industries, string? Status, string? Salutation);

/// <summary>
/// Per-row rules shared by the import and the admin commands: a valid address, a name, known segments, industries and
/// status, length limits, and no control characters (a name holding "\r\nBcc:" must never reach a header) or
/// spreadsheet formulas in any field. The rules and their messages are the FluentValidation rules below;
/// <see cref="TryAccept"/> is the same rules as one pass that allocates nothing for a valid row (an import of a
/// million rows calls it a million times) and tells only whether they hold — <see cref="IValidator{T}.Validate"/>
/// then says why not.
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
        _names = new SegmentNames(known);
        _defaultSegment = defaultSegment;
        _knownIndustriesOnly = knownIndustriesOnly;
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


    private readonly SegmentNames _names;
    private readonly string? _defaultSegment;
    private readonly bool _knownIndustriesOnly;

    /// <summary>The segment names and keys this validator accepts, resolved without allocating.</summary>
    public SegmentNames Names => _names;

    /// <summary>
    /// True exactly when <see cref="IValidator{T}.Validate"/> would find no error in <paramref name="row"/> (the same
    /// rules, checked in one pass); then <paramref name="email"/> is the normalised address. On false, call Validate
    /// for the messages.
    /// </summary>
    public bool TryAccept(ImportRow row, out string email)
    {
        ArgumentNullException.ThrowIfNull(row);
        email = "";
        if (!NoControlCharacters(row.Email) || !NotFormula(row.Email) || !EmailAddress.TryNormalize(row.Email, out email, out _)) return false;
        if (string.IsNullOrWhiteSpace(row.Name) || !Text(row.Name, MaxName)) return false;
        if (!Text(row.Organisation, MaxOrganisation) || !Text(row.Title, MaxTitle) || !Text(row.District, MaxDistrict) ||
            !Text(row.Salutation, MaxSalutation) || !Text(row.Segments, MaxList) || !Text(row.Industries, MaxList))
        {
            return false;
        }

        var segments = 0;
        foreach (var range in Segments.ListItems(row.Segments))
        {
            segments++;
            if (!_names.TryResolve(row.Segments.AsSpan()[range], out _)) return false;
        }
        if (segments == 0 && _defaultSegment is null) return false;
        if (_knownIndustriesOnly)
        {
            foreach (var range in Segments.ListItems(row.Industries))
            {
                if (!Industries.TryResolve(row.Industries![range], out _)) return false;
            }
        }
        return string.IsNullOrWhiteSpace(row.Status) || SubscriberStatusNames.TryParse(row.Status, out _);

        static bool Text(string? value, int max) =>
            NoControlCharacters(value) && NotFormula(value) && (value is null || value.AsSpan().Trim().Length <= max);
    }

    private void Text(System.Linq.Expressions.Expression<Func<ImportRow, string?>> field, int max, string whatKey) =>
        RuleFor(field).Cascade(CascadeMode.Stop)
            .Must(NoControlCharacters).WithMessage(_ => Texts.Get("import.reason.control_character"))
            .Must(NotFormula).WithMessage(_ => Texts.Get("import.reason.formula"))
            .Must(v => v is null || v.Trim().Length <= max).WithMessage(_ => Texts.Format("import.reason.too_long", Texts.Get(whatKey), max));

    // C0 and C1 controls (what char.IsControl means) and the Unicode line and paragraph separators.
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c), '\u2028', '\u2029']);

    private static bool NoControlCharacters(string? value) =>
        value is null || value.AsSpan().IndexOfAny(Controls) < 0;

    private static bool NotFormula(string? value)
    {
        var t = value.AsSpan().Trim();
        // A lone "-" is how many lists say "none"; it cannot start a formula.
        return t.IsEmpty || t is "-" || t[0] is not ('=' or '+' or '-' or '@');
    }
}
