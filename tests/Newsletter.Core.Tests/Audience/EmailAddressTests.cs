using Newsletter.Core.Audience;

namespace Newsletter.Core.Tests.Audience;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("  Wang@Example.ORG ", "wang@example.org")]
    [InlineData("li.na+bulletin@sub.example.test", "li.na+bulletin@sub.example.test")]
    [InlineData("chen@例子.测试", "chen@xn--fsqu00a.xn--0zwm56d")]
    [InlineData("chen@EXAMPLE.org.", "chen@example.org")]
    public void Normalises(string input, string expected) => Assert.Equal(expected, EmailAddress.Normalize(input));

    /// <summary>The ASCII fast path (issue 20) agrees with ICU's IDNA on every domain it takes; the rest goes to ICU.</summary>
    [Theory]
    [InlineData("example.org", true)]
    [InlineData("Mail.Example.ORG", true)]
    [InlineData("a-b.example", true)]
    [InlineData("1.2.3.4", true)]
    [InlineData("-a.org", false)]
    [InlineData("a-.org", false)]
    [InlineData("a..org", false)]
    [InlineData("under_score.org", false)]
    [InlineData("xn--fsqu00a.xn--0zwm56d", false)]
    [InlineData("xn--bad-.org", false)]
    [InlineData("例子.测试", false)]
    [InlineData("ex ample.org", false)]
    public void Plain_host_names_skip_icu_only_where_icu_agrees(string domain, bool plain)
    {
        Assert.Equal(plain, EmailAddress.IsPlainHostName(domain));
        var label63 = new string('a', 63) + ".org";
        Assert.True(EmailAddress.IsPlainHostName(label63));
        Assert.False(EmailAddress.IsPlainHostName(new string('a', 64) + ".org"));
        var idn = new System.Globalization.IdnMapping { UseStd3AsciiRules = true };
        foreach (var name in new[] { domain, label63 })
        {
            if (!EmailAddress.IsPlainHostName(name)) continue;
            Assert.Equal(name.ToLowerInvariant(), idn.GetAscii(name).ToLowerInvariant());
        }
        Assert.Throws<ArgumentException>(() => idn.GetAscii(new string('a', 64) + ".org"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plainaddress")]
    [InlineData("@example.org")]
    [InlineData("a@")]
    [InlineData("a@@example.org")]
    [InlineData("a b@example.org")]
    [InlineData("a@localhost")]
    [InlineData(".a@example.org")]
    [InlineData("a..b@example.org")]
    [InlineData("a@exa mple.org")]
    [InlineData("a@example..org")]
    [InlineData("王@example.org")]
    public void Rejects(string input)
    {
        Assert.False(EmailAddress.TryNormalize(input, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Rejects_overlong() => Assert.False(EmailAddress.TryNormalize(new string('a', 250) + "@example.org", out _, out _));
}
