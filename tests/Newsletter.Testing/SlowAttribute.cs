using Xunit.Abstractions;
using Xunit.Sdk;

namespace Newsletter.Testing;

/// <summary>
/// Marks a test class or method that needs no server but takes seconds to minutes: fuzzing and mutation runs, the
/// MJML corpus, input-limit tests that build huge files, and every test that starts the real <c>newsletter</c> process
/// (<see cref="CliProcess"/>; a .NET start per command). It gets the trait <c>Speed=slow</c>, which the fast loop
/// leaves out (<c>tests/run.sh --fast</c>: <c>--filter "Requires!=servers&amp;Speed!=slow"</c>); CI runs it.
/// </summary>
[TraitDiscoverer("Newsletter.Testing.SlowDiscoverer", "Newsletter.Testing")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SlowAttribute : Attribute, ITraitAttribute;

/// <summary>Turns <see cref="SlowAttribute"/> into the trait <c>Speed=slow</c>.</summary>
public sealed class SlowDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        yield return new("Speed", "slow");
    }
}
