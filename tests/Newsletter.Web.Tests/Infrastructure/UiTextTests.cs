using System.Globalization;
using System.Text.RegularExpressions;
using Newsletter.Testing;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Tests.Infrastructure;

public sealed partial class UiTextTests
{
    private readonly UiText _text = new();

    [Fact]
    public void Every_culture_has_every_key()
    {
        var chinese = _text.Keys(UiText.Chinese).Order(StringComparer.Ordinal).ToList();
        var english = _text.Keys(UiText.English).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(chinese);
        Assert.Equal(chinese, english);
    }

    [Fact]
    public void Every_key_the_pages_use_is_defined()
    {
        var source = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Newsletter.Web");
        var used = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => !k.EndsWith('.'))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(used.Count > 50, $"only {used.Count} keys found in {source}");
        Assert.Empty(used.Except(_text.Keys(UiText.Chinese)));
    }

    [Fact]
    public void Chinese_is_the_default_and_English_is_selectable()
    {
        Assert.Equal("登录", _text.Get(new CultureInfo("zh-CN"), "login.title"));
        Assert.Equal("Sign in", _text.Get(new CultureInfo("en"), "login.title"));
        Assert.Equal("登录", _text.Get(new CultureInfo("fr"), "login.title"));
        Assert.Equal("no.such.key", _text.Get(new CultureInfo("en"), "no.such.key"));
    }

    [GeneratedRegex(@"(?:T|text)(?:\.Format\(|\[)""([a-z_]+\.[a-z_.]+)""")]
    private static partial Regex KeyUse();
}
