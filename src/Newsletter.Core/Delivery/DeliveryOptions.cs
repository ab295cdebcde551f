using FluentValidation;

namespace Newsletter.Core.Delivery;

/// <summary>Which transport carries the messages.</summary>
public enum TransportKind
{
    /// <summary>One <c>.eml</c> file per recipient under <see cref="DeliveryOptions.PickupDirectory"/>/&lt;campaign&gt;/.</summary>
    Pickup,

    /// <summary>SMTP through MailKit, configured by <see cref="SmtpOptions"/>.</summary>
    Smtp,
}

/// <summary>Settings section <c>Delivery</c>, checked at start by <see cref="DeliveryOptionsValidator"/>.</summary>
public sealed record DeliveryOptions
{
    /// <summary><c>pickup</c> (default) or <c>smtp</c>.</summary>
    public TransportKind Transport { get; init; } = TransportKind.Pickup;

    /// <summary>Folder of the pickup transport; default <c>outbox</c> (relative to the current folder).</summary>
    public string PickupDirectory { get; init; } = "outbox";

    /// <summary>Attempts per recipient before a temporary failure becomes permanent; default 8.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First retry delay; each further attempt doubles it (with ±20 % jitter); default 1 minute.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A deferred message older than this fails; default 2 days (Postfix's bounce_queue_lifetime is 5 d).</summary>
    public TimeSpan MaxRetryAge { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Overall send rate limit; 0 = unlimited (default).</summary>
    public double MessagesPerSecond { get; init; }

    /// <summary>Send rate limit per recipient domain; 0 = unlimited (default).</summary>
    public double MessagesPerSecondPerDomain { get; init; }

    /// <summary>How long <c>publish</c> in the foreground keeps retrying deferred messages before it exits; default 2 minutes.</summary>
    public TimeSpan ForegroundRetryWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Outbox rows claimed per batch; default 200.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>How long a claim is held before another worker may take the rows; default 5 minutes.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a running send writes its heartbeat (and checks that no other node took its rows over); default 5 s.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed heartbeat the other nodes wait before releasing a silent sender's leases and sending its
    /// rows themselves (PostgreSQL); default 10 s. A sender silent for <see cref="HeartbeatInterval"/> + this is dead.
    /// </summary>
    public TimeSpan FailoverGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive permanent sender-side failures (5xx on MAIL FROM/DATA, auth) that pause a campaign; default 20.</summary>
    public int PauseAfterConsecutiveErrors { get; init; } = 20;

    /// <summary>A sender whose last heartbeat is older than this is dead (<see cref="HeartbeatInterval"/> + <see cref="FailoverGrace"/>).</summary>
    public TimeSpan SilenceLimit => HeartbeatInterval + FailoverGrace;
}

/// <summary>The bounds of <see cref="DeliveryOptions"/>, checked once when the host starts (see <see cref="SettingsBinder"/>).</summary>
public sealed class DeliveryOptionsValidator : AbstractValidator<DeliveryOptions>
{
    public DeliveryOptionsValidator()
    {
        RuleFor(o => o.Transport).Named();
        RuleFor(o => o.PickupDirectory).NotEmpty().WithMessage(_ => Localization.Texts.Format("core.settings.folder", "outbox"));
        RuleFor(o => o.MaxAttempts).Within(1, 100);
        RuleFor(o => o.RetryBaseDelay).Within(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(6));
        RuleFor(o => o.MaxRetryAge).Within(TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        RuleFor(o => o.MessagesPerSecond).NotNegative();
        RuleFor(o => o.MessagesPerSecondPerDomain).NotNegative();
        RuleFor(o => o.ForegroundRetryWindow).Within(TimeSpan.Zero, TimeSpan.FromHours(24));
        RuleFor(o => o.BatchSize).Within(1, 5000);
        RuleFor(o => o.LeaseDuration).Within(TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        RuleFor(o => o.PauseAfterConsecutiveErrors).Within(1, 100_000);
        RuleFor(o => o.HeartbeatInterval).Within(TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1));
        RuleFor(o => o.FailoverGrace).Within(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));
    }
}
