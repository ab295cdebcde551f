using Microsoft.Extensions.Configuration;
using Newsletter.Core;
using Newsletter.Testing;

namespace Newsletter.Core.Tests;

/// <summary>Issue 13: one home for the data, never the current folder.</summary>
public sealed class NewsletterHomeTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void In_a_checkout_the_home_is_its_data_folder_and_the_installation_is_the_checkout()
    {
        using var folder = new TempDirectory("newsletter-home");
        File.WriteAllText(folder.File("Newsletter.sln"), "");
        var program = Directory.CreateDirectory(Path.Combine(folder.Path, "src", "Newsletter.Cli", "bin", "Release", "net10.0")).FullName;

        var home = NewsletterHome.From(Settings(), program);

        Assert.Equal(Path.Combine(folder.Path, "data"), home.Directory);
        Assert.Equal(folder.Path, home.Installation);
        Assert.Equal(Path.Combine(folder.Path, "data", "outbox"), home.Data("outbox"));
        Assert.Equal(Path.Combine(folder.Path, "templates"), home.Installed("templates"));
        Assert.Equal("/srv/mail/outbox", home.Data("/srv/mail/outbox"));
    }

    [Fact]
    public void Installed_elsewhere_the_home_is_the_per_user_data_folder()
    {
        using var folder = new TempDirectory("newsletter-install");
        var home = NewsletterHome.From(Settings(), folder.Path);

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "newsletter"), home.Directory);
        Assert.Equal(folder.Path, home.Installation);
    }

    [Fact]
    public void The_home_setting_wins()
    {
        using var folder = new TempDirectory("newsletter-home");
        File.WriteAllText(folder.File("Newsletter.sln"), "");
        var home = NewsletterHome.From(Settings(("Home", "/var/lib/newsletter")), folder.Path);
        Assert.Equal("/var/lib/newsletter", home.Directory);
    }
}
