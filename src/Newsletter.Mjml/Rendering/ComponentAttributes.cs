using System.Diagnostics.CodeAnalysis;

namespace Newsletter.Mjml.Rendering;

/// <summary>
/// A component's attributes, as mjml's applyAttributes merges them: the values this element gets (mj-all, passed by
/// its parent, mj-attributes, mj-class, its own) over its component's defaults. The defaults are the spec's, shared by
/// every instance: building a component copies only what is set on it (a table of every default for each component
/// was the larger part of the bytes a render allocated).
/// </summary>
internal sealed class ComponentAttributes
{
    private readonly ComponentSpec _spec;

    // A null value hides the default: a parent passed an undefined value (a JS spread of undefined).
    private Dictionary<string, string?>? _set;

    public ComponentAttributes(ComponentSpec spec, int capacity = 0)
    {
        _spec = spec;
        if (capacity > 0) _set = new Dictionary<string, string?>(capacity, StringComparer.Ordinal);
    }

    public void Set(string name, string value) => (_set ??= new(StringComparer.Ordinal))[name] = value;

    /// <summary>Removes <paramref name="name"/> as set so far, its default included; a later <see cref="Set"/> sets it again.</summary>
    public void Remove(string name) => (_set ??= new(StringComparer.Ordinal))[name] = null;

    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        if (_set is not null && _set.TryGetValue(name, out value)) return value is not null;
        return _spec.Defaults.TryGetValue(name, out value);
    }

    /// <summary>mjml's color type turns <c>#abc</c> into <c>#aabbcc</c> (the defaults are expanded once, in the spec).</summary>
    public void ExpandShortColors()
    {
        if (_set is null) return;
        foreach (var name in _spec.ColorAttributes)
        {
            if (_set.TryGetValue(name, out var v) && v is not null && ComponentSpec.IsShortColor(v)) _set[name] = ComponentSpec.ExpandShortColor(v);
        }
    }
}
