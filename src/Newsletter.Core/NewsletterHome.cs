using Microsoft.Extensions.Configuration;

namespace Newsletter.Core;

/// <summary>
/// Where the data lives and where the installation is, resolved once per process, never from the current folder:
/// <list type="bullet">
/// <item><see cref="Directory"/>, the home: the database (with the files its store keeps beside it), uploads, the pickup folder and previews.
/// The setting <c>Home</c> (environment <c>NEWSLETTER_HOME</c>); else, when the program runs from a checkout (a folder
/// holding <c>Newsletter.sln</c> above the executable), the checkout's <c>data/</c>; else a per-user data folder
/// (<c>~/.local/share/newsletter</c> on Linux, <c>%LOCALAPPDATA%\newsletter</c> on Windows).</item>
/// <item><see cref="Installation"/>: the checkout, or the executable's folder; the templates and sample lists are
/// resolved against it.</item>
/// </list>
/// Relative paths in settings resolve against the home (data) or the installation (templates, samples).
/// </summary>
public sealed record NewsletterHome(string Directory, string Installation, string Origin)
{
    /// <summary>The configuration key (<c>NEWSLETTER_HOME</c> in the environment).</summary>
    public const string SettingName = "Home";

    /// <summary>The home from the settings, else the default for where the program runs (see the type's remarks).</summary>
    /// <param name="programDirectory">Where the executable is; default <see cref="AppContext.BaseDirectory"/>.</param>
    public static NewsletterHome From(IConfiguration configuration, string? programDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        programDirectory ??= AppContext.BaseDirectory;
        var checkout = FindCheckout(programDirectory);
        var installation = checkout ?? Path.GetFullPath(programDirectory);
        if (configuration[SettingName] is { Length: > 0 } configured)
        {
            // An explicit path given relative is taken as the user typed it: relative to where they stand.
            return new NewsletterHome(Path.GetFullPath(configured.Trim()), installation, "NEWSLETTER_HOME / Home setting");
        }
        if (checkout is not null)
        {
            return new NewsletterHome(Path.Combine(checkout, "data"), installation, "the checkout's data folder");
        }
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(perUser))
        {
            perUser = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return new NewsletterHome(Path.Combine(perUser, "newsletter"), installation, "the per-user data folder");
    }

    /// <summary><paramref name="path"/> made absolute against the home (data: database, pickup folder, uploads, previews).</summary>
    public string Data(string path) => Path.GetFullPath(path, Directory);

    /// <summary><paramref name="path"/> made absolute against the installation (templates, sample lists).</summary>
    public string Installed(string path) => Path.GetFullPath(path, Installation);

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <c>Newsletter.sln</c>, or null.</summary>
    public static string? FindCheckout(string start)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Newsletter.sln")))
            {
                return folder.FullName;
            }
        }
        return null;
    }
}
