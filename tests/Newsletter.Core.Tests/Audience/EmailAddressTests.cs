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
