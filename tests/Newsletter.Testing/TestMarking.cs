using System.Reflection;
using Xunit;

namespace Newsletter.Testing;

/// <summary>
/// Finds the test classes that use a helper directly, so a marking test can check they carry the attribute the fast loop
/// filters on (issue 16): a class that starts the real CLI (<see cref="CliProcess"/>) must be <see cref="SlowAttribute"/>,
/// one that drives Chromium must be <c>[Requires("chromium")]</c>. "Directly" means a call, a field or a constructor of
/// the helper in the IL of the class's own methods, its lambdas, local functions and async state machines.
/// </summary>
public static class TestMarking
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>
    /// The names of the test classes of <paramref name="assembly"/> that use <paramref name="helper"/> and are not
    /// <paramref name="marked"/>: neither the class nor each of its test methods passes it.
    /// </summary>
    public static IReadOnlyList<string> UnmarkedUsers(Assembly assembly, Type helper, Func<MemberInfo, bool> marked) =>
        assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsNested: false } && Tests(t).Any() && Uses(t, helper))
            .Where(t => !marked(t) && !Tests(t).All(marked))
            .Select(t => t.FullName ?? t.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>True when <paramref name="member"/> (or what it inherits from) carries an attribute of type <typeparamref name="T"/> passing <paramref name="match"/>.</summary>
    public static bool Has<T>(MemberInfo member, Func<T, bool>? match = null) where T : Attribute =>
        member.GetCustomAttributes<T>(inherit: true).Any(a => match?.Invoke(a) ?? true);

    private static IEnumerable<MethodInfo> Tests(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute));

    private static bool Uses(Type type, Type helper)
    {
        // The class and every type nested in it (compiler-generated closures and state machines are nested types).
        var types = new List<Type> { type };
        for (var i = 0; i < types.Count; i++)
        {
            types.AddRange(types[i].GetNestedTypes(Declared));
        }
        return types.SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)))
            .Any(m => References(m, helper));
    }

    /// <summary>
    /// True when the IL of <paramref name="method"/> names a member of <paramref name="helper"/>. Every byte that could
    /// start a call, newobj, ldftn or field instruction is tried with the 4-byte token after it; a token that does not
    /// resolve is no instruction. A false hit would need a random token to resolve to the helper exactly.
    /// </summary>
    private static bool References(MethodBase method, Type helper)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return false;
        }
        if (il is null) return false;
        var module = method.Module;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            // call, newobj, callvirt, ldfld/ldsfld/stfld/stsfld and the 0xFE-prefixed ldftn.
            if (il[i] is not (0x28 or 0x73 or 0x6F or 0x7B or 0x7E or 0x7D or 0x80 or 0x06)) continue;
            var token = BitConverter.ToInt32(il, i + 1);
            MemberInfo? member;
            try
            {
                member = module.ResolveMember(token, method.DeclaringType?.GetGenericArguments(),
                    method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or MissingMemberException or TypeLoadException or IOException)
            {
                continue;
            }
            if (member?.DeclaringType == helper) return true;
        }
        return false;
    }
}
