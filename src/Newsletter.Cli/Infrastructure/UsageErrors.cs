using System.Text.RegularExpressions;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Spectre's parse and binding errors in the run's language and in the user's words: Spectre says
/// "Failed to convert 'abc' to Int64." or names an enum type (TransportKind); the user reads "'abc' is not a whole
/// number" or the values the option takes. Anything not recognised keeps Spectre's text with .NET type names replaced.
/// </summary>
internal static partial class UsageErrors
{
    public static string Describe(CommandAppException e)
    {
        var message = e.Message.Trim();
        if (UnknownOption().Match(message) is { Success: true } option)
            return Texts.Format("cli.usage.unknown_option", option.Groups[1].Value);
        if (UnknownCommand().Match(message) is { Success: true } command)
            return Texts.Format("cli.usage.unknown_command", command.Groups[1].Value);
        if (MissingArgument().Match(message) is { Success: true } missing)
            return Texts.Format("cli.usage.missing_argument", missing.Groups[1].Value, missing.Groups[2].Value);
        if (MissingValue().Match(message) is { Success: true } value)
            return Texts.Format("cli.usage.missing_value", value.Groups[1].Value);
        if (Convert().Match(message) is { Success: true } convert)
            return Texts.Format("cli.usage.not_a", convert.Groups[1].Value, TypeWords(convert.Groups[2].Value));
        return TypeName().Replace(message, m => TypeWords(m.Groups[1].Value));
    }

    /// <summary>What a value of the named .NET type is, in words (an enum: the values it takes, as typed on the line).</summary>
    internal static string TypeWords(string type)
    {
        var name = type.Split('.')[^1].TrimEnd('?', '[', ']');
        var key = name switch
        {
            "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" or "Byte" => "cli.usage.type.integer",
            "Double" or "Single" or "Decimal" => "cli.usage.type.number",
            "Boolean" => "cli.usage.type.boolean",
            "DateTime" or "DateTimeOffset" or "DateOnly" => "cli.usage.type.date",
            "TimeSpan" or "TimeOnly" => "cli.usage.type.time",
            _ => null,
        };
        if (key is not null) return Texts.Get(key);
        var enumType = typeof(UsageErrors).Assembly.GetTypes().Concat(typeof(Newsletter.Core.UserFacingException).Assembly.GetTypes())
            .FirstOrDefault(t => t.IsEnum && t.Name == name);
        return enumType is null
            ? Texts.Get("cli.usage.type.value")
            : Texts.Format("cli.usage.type.one_of", string.Join(", ", Enum.GetNames(enumType).Select(n => n.ToLowerInvariant())));
    }

    [GeneratedRegex(@"^Unknown option '([^']*)'")]
    private static partial Regex UnknownOption();

    [GeneratedRegex(@"^Unknown command '([^']*)'")]
    private static partial Regex UnknownCommand();

    [GeneratedRegex(@"^Command '([^']*)' is missing required argument '([^']*)'")]
    private static partial Regex MissingArgument();

    [GeneratedRegex(@"^Option '([^']*)' is defined but no value has been provided|^Expected an option value for '([^']*)'")]
    private static partial Regex MissingValue();

    [GeneratedRegex(@"^Failed to convert '(.*)' to (?:type )?'?([\w.`\[\]?]+?)'?\.?$", RegexOptions.Singleline)]
    private static partial Regex Convert();

    [GeneratedRegex(@"\b((?:System\.)?(?:Int16|Int32|Int64|UInt32|UInt64|Double|Decimal|Boolean|DateTime|DateTimeOffset|TimeSpan|[A-Z]\w*Kind|[A-Z]\w*Mode))\b")]
    private static partial Regex TypeName();
}
