using Newsletter.Testing;

namespace Newsletter.Cli.Tests;

/// <summary>
/// The fast loop (issue 16: <c>--filter "Requires!=servers&amp;Speed!=slow"</c>) stays fast only while every test class
/// that starts the real <c>newsletter</c> process — a .NET start per command — is marked <c>[Slow]</c> (the class or each test); CI runs them all.
/// </summary>
public sealed class FastLoopMarkingTests
{
    [Fact]
    public void Every_test_class_that_starts_the_cli_process_is_marked_slow()
    {
        var unmarked = TestMarking.UnmarkedUsers(typeof(FastLoopMarkingTests).Assembly, typeof(CliProcess), t => TestMarking.Has<SlowAttribute>(t));
        Assert.True(unmarked.Count == 0, "start the CLI process but are not marked [Slow] (the class or each test): " + string.Join(", ", unmarked));
    }

    [Fact]
    public void The_check_sees_a_class_that_starts_the_cli_process()
    {
        // HelpTests runs `newsletter --help` as a child process: the check must find it, or it finds nothing at all.
        var users = TestMarking.UnmarkedUsers(typeof(FastLoopMarkingTests).Assembly, typeof(CliProcess), _ => false);
        Assert.Contains(typeof(Commands.HelpTests).FullName, users);
        Assert.DoesNotContain(typeof(Commands.SubscribersCommandTests).FullName, users);
    }
}
