namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A Cachet component id: its own type, so that no other id can be passed where a component's is wanted. Written as the number
/// (in URLs, bodies and log lines).
/// </summary>
/// <param name="Value">The id Cachet gives the component.</param>
public readonly record struct ComponentId(int Value) : IComparable<ComponentId>, IComparable
{
    public int CompareTo(ComponentId other) => Value.CompareTo(other.Value);

    // The non-generic form makes the id sortable from F# (its comparison constraint asks for it).
    public int CompareTo(object? obj) =>
        obj is ComponentId other ? CompareTo(other) : throw new ArgumentException("Not a ComponentId.", nameof(obj));

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
