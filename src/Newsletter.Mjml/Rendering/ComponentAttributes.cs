using System.Diagnostics.CodeAnalysis;

namespace Newsletter.Mjml.Rendering;

/// <summary>
/// A component's attributes, as mjml's applyAttributes merges them: the values this element gets (mj-all, passed by
/// its parent, mj-attributes, mj-class, its own) over its component's defaults. Values live in an array indexed by
/// the spec's attribute numbers (<see cref="ComponentSpec.AttributeIndex"/>): the spec's defaults, copied when the
/// first value is set. One lookup per read, as with a table, but building a component copies references at most
/// instead of filling a hash table with every default (that table was the larger part of the bytes a render allocated). Names the component does not
/// declare (mj-all can set anything) go to a small table of their own.
/// </summary>
internal sealed class ComponentAttributes
{
    private readonly ComponentSpec _spec;
    private string?[] _values;
    private bool _copied;

    // A null value is an attribute removed (a parent passed undefined, as a JS spread does).
    private Dictionary<string, string?>? _other;

    public ComponentAttributes(ComponentSpec spec)
    {
        _spec = spec;
        _values = spec.DefaultValues;
    }

    /// <summary>The values to write to: the spec's defaults are shared until then.</summary>
    private string?[] Own()
    {
        if (!_copied)
        {
            _values = (string?[])_values.Clone();
            _copied = true;
        }
        return _values;
    }

    public void Set(string name, string value)
    {
        if (_spec.AttributeIndex.TryGetValue(name, out var i)) Own()[i] = value;
        else (_other ??= new(StringComparer.Ordinal))[name] = value;
    }

    /// <summary>Removes <paramref name="name"/> as set so far, its default included; a later <see cref="Set"/> sets it again.</summary>
    public void Remove(string name)
    {
        if (_spec.AttributeIndex.TryGetValue(name, out var i)) Own()[i] = null;
        else _other?.Remove(name);
    }

    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        if (_spec.AttributeIndex.TryGetValue(name, out var i))
        {
            value = _values[i];
            return value is not null;
        }
        value = null;
        return _other is not null && _other.TryGetValue(name, out value) && value is not null;
    }

    /// <summary>mjml's color type turns <c>#abc</c> into <c>#aabbcc</c> (every color attribute is declared, so indexed).</summary>
    public void ExpandShortColors()
    {
        // The spec's defaults are expanded already.
        if (!_copied) return;
        foreach (var i in _spec.ColorIndexes)
        {
            if (_values[i] is { } v && ComponentSpec.IsShortColor(v)) _values[i] = ComponentSpec.ExpandShortColor(v);
        }
    }
}
