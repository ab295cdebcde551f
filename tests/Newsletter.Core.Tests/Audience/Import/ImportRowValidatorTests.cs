using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Core.Tests.Audience.Import;

/// <summary>
/// The importer's one-pass check (<see cref="ImportRowValidator.TryAccept"/>) must say exactly what the FluentValidation
/// rules say: a row it accepts is valid, a row it refuses has an error (whose message Validate then gives).
/// </summary>
public sealed class ImportRowValidatorTests
{
    private static readonly Segment[] Known = [.. Segments.BuiltIn, Segments.TestRecipientsSegment];

    private static ImportRow Row(string email = "wang@example.org", string name = "王建国", string? organisation = "许昌市科学技术局",
        string? title = "局长", string? segments = "municipal", string? district = "魏都区", string? industries = "新材料",
        string? status = null, string? salutation = null) =>
        new(2, email, name, organisation, title, segments, district, industries, status, salutation);

    public static TheoryData<ImportRow> Rows() =>
    [
        Row(),
        Row(email: "Wang@Example.ORG"),
        Row(email: "wang@example.org."),
        Row(email: "wang@例子.中国"),
        Row(email: "wang@xn--fsqu00a.xn--fiqs8s"),
        Row(email: "wang@localhost"),
        Row(email: "wang@@example.org"),
        Row(email: "wang.@example.org"),
        Row(email: "wa ng@example.org"),
        Row(email: "王@example.org"),
        Row(email: ""),
        Row(email: "=HYPERLINK(\"x\")@example.org"),
        Row(email: "wang@exa\u0001mple.org"),
        Row(email: new string('a', 65) + "@example.org"),
        Row(email: "a@" + new string('b', 250) + ".org"),
        Row(name: ""),
        Row(name: "   "),
        Row(name: "王\r\nBcc: x@y.z"),
        Row(name: "王\u2028建国"),
        Row(name: "王\u0085建国"),
        Row(name: "+王建国"),
        Row(name: "-"),
        Row(name: " -1"),
        Row(name: new string('王', ImportRowValidator.MaxName)),
        Row(name: new string('王', ImportRowValidator.MaxName + 1)),
        Row(name: "  " + new string('王', ImportRowValidator.MaxName) + "  "),
        Row(organisation: "@company"),
        Row(organisation: new string('x', ImportRowValidator.MaxOrganisation + 1)),
        Row(title: "\t局长"),
        Row(district: new string('区', ImportRowValidator.MaxDistrict + 1)),
        Row(district: "郑州市"),
        Row(salutation: "=1+1"),
        Row(segments: null),
        Row(segments: " , ;"),
        Row(segments: "municipal;county"),
        Row(segments: "市级领导、重点企业"),
        Row(segments: "KEY ENTERPRISES"),
        Row(segments: "市级 领导"),
        Row(segments: "Municipal"),
        Row(segments: "测试收件人"),
        Row(segments: "乡镇领导"),
        Row(segments: "municipal;乡镇领导"),
        Row(segments: "municipa"),
        Row(industries: "新材料；食品"),
        Row(industries: "新材料产业"),
        Row(industries: "新 材料"),
        Row(status: "退订"),
        Row(status: "Active"),
        Row(status: "gone"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_one_pass_check_agrees_with_the_rules(ImportRow row)
    {
        foreach (var (defaultSegment, knownIndustriesOnly) in new[] { ((string?)null, true), (null, false), ("county", false) })
        {
            var validator = new ImportRowValidator(Known, defaultSegment, knownIndustriesOnly);
            var result = validator.Validate(row);
            Assert.True(result.IsValid == validator.TryAccept(row, out var email),
                $"default {defaultSegment}, known industries only {knownIndustriesOnly}: Validate says {(result.IsValid ? "valid" : string.Join("; ", result.Errors))}");
            if (result.IsValid) Assert.Equal(EmailAddress.Normalize(row.Email), email);
        }
    }

    [Theory]
    [InlineData("municipal", true)]
    [InlineData("市级领导", true)]
    [InlineData("Key Enterprises", true)]
    [InlineData("重点 企业", true)]
    [InlineData("ＭＵＮＩＣＩＰＡＬ", false)]
    [InlineData("test-recipients", true)]
    [InlineData("", false)]
    [InlineData("乡镇领导", false)]
    public void Segment_names_resolve_as_the_scan_does(string name, bool known)
    {
        var names = new SegmentNames(Known);
        Assert.Equal(Segments.TryResolve(name, Known, out var expected), names.TryResolve(name, out var key));
        Assert.Equal(known, names.TryResolve(name, out _));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData(" 市级领导、county；重点企业 , x ,")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(",,;")]
    [InlineData("a")]
    [InlineData(" a |b\tc，d、e；f ")]
    public void List_items_are_the_split_list(string text)
    {
        var items = new List<string>();
        foreach (var range in Segments.ListItems(text)) items.Add(text[range]);
        Assert.Equal(Segments.SplitList(text), items);
    }

    [Fact]
    public void A_normalised_address_is_returned_as_it_is()
    {
        var email = "user1@example.org";
        Assert.True(EmailAddress.TryNormalize(email, out var normalized, out _));
        Assert.Same(email, normalized);
        Assert.True(EmailAddress.TryNormalize("User1@Example.org.", out normalized, out _));
        Assert.Equal(email, normalized);
    }
}
