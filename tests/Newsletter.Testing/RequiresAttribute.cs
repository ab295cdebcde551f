using Xunit.Abstractions;
using Xunit.Sdk;

namespace Newsletter.Testing;

/// <summary>
/// Marks a test class or method that needs a server or tool tests/run.sh installs or starts (<see cref="TestEnvironment"/>):
/// <c>[Requires("postgres")]</c>. The test gets two traits: <c>Requires=servers</c>, which the fast loop leaves out
/// (<c>tests/run.sh --fast</c>, i.e. <c>dotnet test --filter "Requires!=servers"</c>), and <c>Requires=&lt;what&gt;</c>,
/// to run only the tests of one server (<c>--filter Requires=postgres</c>). CI runs every test, marked or not, and a
/// marked test still fails, never skips, when what it needs is missing.
/// </summary>
[TraitDiscoverer("Newsletter.Testing.RequiresDiscoverer", "Newsletter.Testing")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequiresAttribute : Attribute, ITraitAttribute
{
    /// <param name="what">One of <see cref="Known"/>.</param>
    public RequiresAttribute(string what) => What = what;

    public string What { get; }

    /// <summary>
    /// What a test may require: <c>postgres</c> (NEWSLETTER_TEST_PG), <c>postfix</c> (smtp-sink, smtp-source),
    /// <c>chromium</c>, <c>node-mjml</c> (node with mjml 5.4.1), <c>dovecot</c> (IMAP), <c>dkimpy</c> (python3-dkim, and python3-nacl for Ed25519,
    /// the independent DKIM verifier).
    /// </summary>
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "postgres", "postfix", "chromium", "node-mjml", "dovecot", "dkimpy",
    };
}

/// <summary>Turns <see cref="RequiresAttribute"/> into the traits <c>Requires=servers</c> and <c>Requires=&lt;what&gt;</c>.</summary>
public sealed class RequiresDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        var what = traitAttribute.GetConstructorArguments().Single() as string;
        if (what is null || !RequiresAttribute.Known.Contains(what))
        {
            throw new ArgumentException($"[Requires(\"{what}\")]: not one of {string.Join(", ", RequiresAttribute.Known)}");
        }
        yield return new("Requires", "servers");
        yield return new("Requires", what);
    }
}
