namespace CachetMonitor.Host.Cachet;

/// <summary>
/// The Cachet operations the daemon needs: the live client implements them over HTTP, the dry-run
/// implementation only logs the writes. Failures are <see cref="CachetApiException"/>s.
/// </summary>
public interface ICachetApi
{
    Task<CachetComponent> GetComponentAsync(int id, CancellationToken ct);

    /// <summary>
    /// Every component Cachet lists, a page at a time: start-up reads thousands of components with a few calls
    /// instead of one each. An implementation that cannot list yields nothing, and callers read one by one.
    /// </summary>
    IAsyncEnumerable<CachetComponent> ListComponentsAsync(CancellationToken ct) => AsyncEnumerable.Empty<CachetComponent>();

    Task<CachetMetric> GetMetricAsync(int id, CancellationToken ct);

    Task<CachetIncident?> FindOpenIncidentAsync(int componentId, CancellationToken ct);

    Task SetComponentStatusAsync(int componentId, int status, CancellationToken ct);

    Task<int> CreateIncidentAsync(string name, string message, int componentId, int componentStatus, bool visible, CancellationToken ct);

    /// <summary>Creates an incident tagged as this monitor's (<c>meta.cachet_monitor</c>).</summary>
    Task<int> CreateIncidentAsync(string name, string message, int componentId, int componentStatus, bool visible, string? tag, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct);

    /// <summary>Every unresolved incident of the component, newest first.</summary>
    async Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(int componentId, CancellationToken ct) =>
        await FindOpenIncidentAsync(componentId, ct).ConfigureAwait(false) is { } found ? [found] : [];

    /// <summary>Every unresolved incident of every component in a few calls; null when that cannot be done completely.</summary>
    Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CachetIncident>?>(null);

    Task UpdateIncidentAsync(int incidentId, string name, string message, int componentId, int componentStatus, bool visible, CancellationToken ct);

    Task<bool> ResolveIncidentAsync(int incidentId, string message, bool visible, CancellationToken ct);

    Task PushMetricPointAsync(int metricId, double value, long unixSeconds, CancellationToken ct);
}
