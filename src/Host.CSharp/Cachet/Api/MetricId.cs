namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A Cachet metric id: its own type, so that no other id can be passed where a metric's is wanted. Written as the number
/// (in URLs, bodies and log lines).
/// </summary>
/// <param name="Value">The id Cachet gives the metric.</param>
public readonly record struct MetricId(int Value) : IComparable<MetricId>, IComparable
{
    public int CompareTo(MetricId other) => Value.CompareTo(other.Value);

    // The non-generic form makes the id sortable from F# (its comparison constraint asks for it).
    public int CompareTo(object? obj) =>
        obj is MetricId other ? CompareTo(other) : throw new ArgumentException("Not a MetricId.", nameof(obj));

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
