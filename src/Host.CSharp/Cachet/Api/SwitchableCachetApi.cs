using CachetMonitor.Domain;
namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// The Cachet API in use, replaceable at run time: hot reload swaps in a client with a new URL or token and
/// every pending write continues against it.
/// </summary>
public sealed class SwitchableCachetApi(ICachetApi initial) : ICachetApi
{
    private volatile ICachetApi _current = initial;

    public ICachetApi Current => _current;

    public void Switch(ICachetApi next) => _current = next;

    public bool IncidentsSetComponentStatus => _current.IncidentsSetComponentStatus;

    public bool DropsPointsWithinThreshold => _current.DropsPointsWithinThreshold;

    public Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct) => _current.GetComponentAsync(id, ct);

    public IAsyncEnumerable<CachetComponent> ListComponentsAsync(CancellationToken ct) => _current.ListComponentsAsync(ct);

    public Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct) => _current.GetMetricAsync(id, ct);

    public Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        _current.FindOpenIncidentAsync(componentId, ct);

    public Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        _current.ListUnresolvedIncidentsAsync(componentId, ct);

    public Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        _current.ListAllUnresolvedIncidentsAsync(ct);

    public Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct) => _current.ListSchedulesAsync(ct);

    public Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct) =>
        _current.SetComponentStatusAsync(componentId, status, ct);

    public Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        _current.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct);

    public Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct) =>
        _current.CreateIncidentAsync(name, message, componentId, componentStatus, visible, monitorTag, ct);

    public Task UpdateIncidentAsync(IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        _current.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct);

    public Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct) =>
        _current.ResolveIncidentAsync(incidentId, message, visible, ct);

    public Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct) =>
        _current.PushMetricPointAsync(metricId, value, unixSeconds, ct);
}
