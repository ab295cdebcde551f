using Newsletter.Web.Accounts;

namespace Newsletter.Web.Tests.Accounts;

public sealed class PasswordsTests
{
    [Theory]
    [InlineData("zhang", "", PasswordProblem.Empty)]
    [InlineData("zhang", "            ", PasswordProblem.OnlyWhitespace)]
    [InlineData("zhang", "1234567890", PasswordProblem.TooShort)]
    [InlineData("zhang", "短短的密码", PasswordProblem.TooShort)]
    [InlineData("zhangsan.xc", "ZhangSan.XC", PasswordProblem.TooShort)]
    [InlineData("zhangsan.xc", "my ZHANGSAN.xc pass", PasswordProblem.ContainsLogin)]
    [InlineData("li", "li", PasswordProblem.TooShort)]
    [InlineData("zhang", "password2024!", PasswordProblem.Common)]
    [InlineData("zhang", "2024iloveyou!!", PasswordProblem.Common)]
    [InlineData("zhang", "qwertyqwerty", PasswordProblem.Common)]
    [InlineData("zhang", "woaini1314520", PasswordProblem.Common)]
    [InlineData("zhang", "aaaaaaaaaaaaaaa", PasswordProblem.Common)]
    [InlineData("zhang", "121212121212", PasswordProblem.Common)]
    [InlineData("zhang", "098765432109", PasswordProblem.Common)]
    [InlineData("zhang", "1qaz2wsx3edc", PasswordProblem.Common)]
    public void Weak_passwords_are_refused_with_the_reason(string login, string password, PasswordProblem expected)
    {
        Assert.Equal(expected, Passwords.Check(login, password));
    }

    [Theory]
    [InlineData("zhang", "correct horse battery")]
    [InlineData("li", "许昌市情报所快递编辑部密码")]
    [InlineData("li", "olive-tractor-lantern")]
    [InlineData("zhang", "x7$Kq2!vB9@m")]
    public void Good_passwords_pass(string login, string password)
    {
        Assert.Null(Passwords.Check(login, password));
    }
}
