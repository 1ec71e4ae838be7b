using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// One kind of probe (HTTP, TCP/TLS, DNS), chosen by the endpoint URL's scheme (<see cref="Probers"/>). A probe
/// never throws for a failed target: it reports a time-out, no connection, or what it saw.
/// </summary>
public interface IProber
{
    /// <summary>Probes once; <paramref name="token"/> fires at the time-out or at shutdown, <paramref name="stopping"/> tells which.</summary>
    Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken token, CancellationToken stopping);
}
