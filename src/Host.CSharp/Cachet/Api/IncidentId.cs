namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A Cachet incident id: its own type, so that no other id can be passed where an incident's is wanted. Written as the number
/// (in URLs, bodies and log lines).
/// </summary>
/// <param name="Value">The id Cachet gives the incident.</param>
public readonly record struct IncidentId(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
