using System.Reflection;
using Newsletter.Testing;

namespace Newsletter.Data.Tests;

/// <summary>
/// The fast loop (<c>--filter "Requires!=servers"</c>) leaves out only what is marked: a PostgreSQL twin of a store
/// test that lost its <c>[Requires("postgres")]</c> fails there for want of a server instead of being left out.
/// </summary>
public sealed class RequiresMarkingTests
{
    [Fact]
    public void Every_test_class_on_the_postgres_database_is_marked_requires_postgres()
    {
        var unmarked = typeof(PostgresTestDatabase).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && OnPostgres(t))
            .Where(t => !t.GetCustomAttributes<RequiresAttribute>().Any(r => r.What == "postgres"))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.True(unmarked.Count == 0, "not marked [Requires(\"postgres\")]: " + string.Join(", ", unmarked));
    }

    private static bool OnPostgres(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericArguments().Contains(typeof(PostgresTestDatabase))) return true;
        }
        return false;
    }
}
