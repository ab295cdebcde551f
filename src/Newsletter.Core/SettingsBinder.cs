using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Configuration;
using Newsletter.Core.Localization;

namespace Newsletter.Core;

/// <summary>
/// Binds a settings section to its options record and validates it once, when the host composes its services: a value
/// that cannot be used is refused with one clause per bad value — the setting, the value, what is allowed — instead
/// of being clamped in silence (issue 16). The records' validators sit next to the records.
/// </summary>
public static partial class SettingsBinder
{
    /// <summary>Binds section <paramref name="section"/> and checks it with <paramref name="validator"/>.</summary>
    /// <exception cref="SettingsException">A value does not convert to its type, or breaks a rule of <paramref name="validator"/>.</exception>
    public static T Load<T>(IConfiguration configuration, string section, IValidator<T>? validator = null) where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        T value;
        try
        {
            value = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException(DescribeConversion(configuration, section, e), e);
        }
        if (validator is null) return value;
        var result = validator.Validate(value);
        return result.IsValid
            ? value
            : throw new SettingsException(string.Join(Texts.Get("core.separator.clause"), result.Errors.Select(error => Describe(configuration, section, error))));
    }

    /// <summary>"setting Smtp:Port = '0': must be a whole number from 1 to 65535" (the configured text, else the default in effect).</summary>
    private static string Describe(IConfiguration configuration, string section, ValidationFailure error)
    {
        var key = $"{section}:{error.PropertyName}";
        var text = configuration[key] ?? Texts.Format("core.settings.default_value", Format(error.AttemptedValue));
        return Texts.Format("core.settings.bad_value", key, text, error.ErrorMessage);
    }

    /// <summary>The binder's "Failed to convert configuration value … at 'Smtp:Port' to type 'System.Int32'" as a setting, its value and the type wanted.</summary>
    private static string DescribeConversion(IConfiguration configuration, string section, InvalidOperationException e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (ConversionMessage().Match(cause.Message) is { Success: true } match)
            {
                var key = match.Groups["key"].Value;
                return Texts.Format("core.settings.bad_value", key, configuration[key], Wanted(match.Groups["type"].Value));
            }
        }
        return Texts.Format("core.settings.unreadable_section", section, e.Message);
    }

    private static string Wanted(string typeName)
    {
        var type = Type.GetType(typeName);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsEnum: true }) return Texts.Format("core.settings.one_of", string.Join(", ", Enum.GetNames(type)));
        // Never a .NET type name: a kind of value the user knows, else what to do.
        return Texts.Get(type == typeof(int) || type == typeof(long) ? "core.settings.whole_number"
            : type == typeof(double) ? "core.settings.number"
            : type == typeof(bool) ? "core.settings.boolean"
            : type == typeof(TimeSpan) ? "core.settings.duration"
            : "core.settings.wrong_form");
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionMessage();

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static IRuleBuilderOptions<T, int> Within<T>(this IRuleBuilder<T, int> rule, int min, int max) =>
        rule.InclusiveBetween(min, max).WithMessage(_ => Texts.Format("core.settings.whole_number_range", min, max));

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static IRuleBuilderOptions<T, long> Within<T>(this IRuleBuilder<T, long> rule, long min, long max) =>
        rule.InclusiveBetween(min, max).WithMessage(_ => Texts.Format("core.settings.whole_number_range", min, max));

    /// <summary>A duration from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static IRuleBuilderOptions<T, TimeSpan> Within<T>(this IRuleBuilder<T, TimeSpan> rule, TimeSpan min, TimeSpan max) =>
        rule.InclusiveBetween(min, max).WithMessage(_ => Texts.Format("core.settings.duration_range", Format(min), Format(max)));

    /// <summary>A duration of at least <paramref name="min"/>.</summary>
    public static IRuleBuilderOptions<T, TimeSpan> AtLeast<T>(this IRuleBuilder<T, TimeSpan> rule, TimeSpan min) =>
        rule.GreaterThanOrEqualTo(min).WithMessage(_ => Texts.Format("core.settings.duration_at_least", Format(min)));

    /// <summary>Zero (no limit) or more.</summary>
    public static IRuleBuilderOptions<T, double> NotNegative<T>(this IRuleBuilder<T, double> rule) =>
        rule.Must(v => v >= 0 && double.IsFinite(v)).WithMessage(_ => Texts.Get("core.settings.not_negative"));

    /// <summary>A named member of the enum (the binder also takes numbers, which may name none).</summary>
    public static IRuleBuilderOptions<T, TEnum> Named<T, TEnum>(this IRuleBuilder<T, TEnum> rule) where TEnum : struct, Enum =>
        rule.IsInEnum().WithMessage(_ => Texts.Format("core.settings.one_of", string.Join(", ", Enum.GetNames<TEnum>())));
}
