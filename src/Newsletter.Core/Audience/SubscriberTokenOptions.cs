using FluentValidation;

namespace Newsletter.Core.Audience;

/// <summary>Settings of the unsubscribe and web-view tokens, bound from the section <c>Security</c>.</summary>
public sealed record SubscriberTokenOptions
{
    /// <summary>
    /// How long links signed with a rotated-out secret keep working after <c>newsletter secrets rotate-token</c>;
    /// default 90 days (0–10 years; 0 revokes them at once, e.g. after a leak). Then they answer 404.
    /// </summary>
    public TimeSpan TokenGracePeriod { get; init; } = SubscriberTokens.DefaultGracePeriod;
}

/// <summary>The bounds of <see cref="SubscriberTokenOptions"/>, checked once when the host starts.</summary>
public sealed class SubscriberTokenOptionsValidator : AbstractValidator<SubscriberTokenOptions>
{
    public SubscriberTokenOptionsValidator() =>
        RuleFor(o => o.TokenGracePeriod).Within(TimeSpan.Zero, TimeSpan.FromDays(3650));
}
