namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A Cachet incident id: its own type, so that no other id can be passed where an incident's is wanted. Written as the number
/// (in URLs, bodies and log lines).
/// </summary>
/// <param name="Value">The id Cachet gives the incident.</param>
public readonly record struct IncidentId(int Value) : IComparable<IncidentId>, IComparable
{
    public int CompareTo(IncidentId other) => Value.CompareTo(other.Value);

    // The non-generic form makes the id sortable from F# (its comparison constraint asks for it).
    public int CompareTo(object? obj) =>
        obj is IncidentId other ? CompareTo(other) : throw new ArgumentException("Not a IncidentId.", nameof(obj));

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
