using Newsletter.Testing;
using Newsletter.Web.Tests.Browser;

namespace Newsletter.Web.Tests;

/// <summary>
/// The fast loop (issue 16: <c>--filter "Requires!=servers&amp;Speed!=slow"</c>) needs no browser only while every test
/// class that drives Chromium (<see cref="BrowserSession"/>) is marked <c>[Requires("chromium")]</c> (the class or each test); CI runs them all.
/// </summary>
public sealed class FastLoopMarkingTests
{
    private static bool NeedsChromium(System.Reflection.MemberInfo member) => TestMarking.Has<RequiresAttribute>(member, r => r.What == "chromium");

    [Fact]
    public void Every_test_class_that_drives_chromium_is_marked_requires_chromium()
    {
        var unmarked = TestMarking.UnmarkedUsers(typeof(FastLoopMarkingTests).Assembly, typeof(BrowserSession), NeedsChromium);
        Assert.True(unmarked.Count == 0, "drive Chromium but are not marked [Requires(\"chromium\")] (the class or each test): " + string.Join(", ", unmarked));
    }

    [Fact]
    public void The_check_sees_a_class_that_drives_chromium()
    {
        var users = TestMarking.UnmarkedUsers(typeof(FastLoopMarkingTests).Assembly, typeof(BrowserSession), _ => false);
        Assert.Contains(typeof(AdminJourneyTests).FullName, users);
        Assert.Contains(typeof(Archive.ArchiveTests).FullName, users);
        Assert.DoesNotContain(typeof(Pages.SubscribersPageTests).FullName, users);
    }
}
