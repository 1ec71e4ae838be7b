using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;

namespace CachetMonitor.Host.Observability;

/// <summary>Counts every Cachet call by operation and outcome.</summary>
public sealed class InstrumentedCachetApi(ICachetApi inner, MonitorMetrics metrics) : ICachetApi
{
    private async Task<T> Count<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            var result = await call().ConfigureAwait(false);
            metrics.CachetCall(operation, "ok");
            return result;
        }
        catch (CachetApiException e)
        {
            metrics.CachetCall(operation, e.Kind.ToString().ToLowerInvariant());
            throw;
        }
    }

    private Task Count(string operation, Func<Task> call) =>
        Count(operation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });

    public bool IncidentsSetComponentStatus => inner.IncidentsSetComponentStatus;

    public bool DropsPointsWithinThreshold => inner.DropsPointsWithinThreshold;

    public Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct) =>
        Count("get_component", () => inner.GetComponentAsync(id, ct));

    /// <summary>Counted once per listing (<c>list_components</c>), however many pages it reads.</summary>
    public async IAsyncEnumerable<CachetComponent> ListComponentsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var components = inner.ListComponentsAsync(ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try
            {
                more = await components.MoveNextAsync().ConfigureAwait(false);
            }
            catch (CachetApiException e)
            {
                metrics.CachetCall("list_components", e.Kind.ToString().ToLowerInvariant());
                throw;
            }
            if (!more)
            {
                metrics.CachetCall("list_components", "ok");
                yield break;
            }
            yield return components.Current;
        }
    }

    public Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct) =>
        Count("get_metric", () => inner.GetMetricAsync(id, ct));

    public Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        Count("find_open_incident", () => inner.FindOpenIncidentAsync(componentId, ct));

    public Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        Count("list_unresolved_incidents", () => inner.ListUnresolvedIncidentsAsync(componentId, ct));

    /// <summary>Counted once per listing (<c>list_all_unresolved_incidents</c>), however many calls it makes.</summary>
    public Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        Count("list_all_unresolved_incidents", () => inner.ListAllUnresolvedIncidentsAsync(ct));

    /// <summary>Counted once per listing (<c>list_schedules</c>).</summary>
    public Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct) =>
        Count("list_schedules", () => inner.ListSchedulesAsync(ct));

    public Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct) =>
        Count("set_component_status", () => inner.SetComponentStatusAsync(componentId, status, ct));

    public Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        Count("create_incident", () => inner.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct));

    public Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct) =>
        Count("create_incident", () => inner.CreateIncidentAsync(name, message, componentId, componentStatus, visible, monitorTag, ct));

    public Task UpdateIncidentAsync(IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        Count("update_incident", () => inner.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct));

    public Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct) =>
        Count("resolve_incident", () => inner.ResolveIncidentAsync(incidentId, message, visible, ct));

    public Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct) =>
        Count("push_metric_point", () => inner.PushMetricPointAsync(metricId, value, unixSeconds, ct));
}
