using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// <c>run --dry-run</c>: needs no Cachet at all. Reads answer "nothing known"; each write that would be made is
/// logged instead and reported as done.
/// </summary>
public sealed class DryRunCachet(ILogger<DryRunCachet> logger) : ICachetApi
{
    private int _nextIncidentId;

    public Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct) =>
        throw new NotSupportedException("a dry run reads nothing from Cachet");

    public Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct) =>
        throw new NotSupportedException("a dry run reads nothing from Cachet");

    public Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        Task.FromResult<CachetIncident?>(null);

    public Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CachetIncident>>([]);

    /// <summary>Nothing unresolved, and that is the whole list (not null: there is nothing to read per component).</summary>
    public Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CachetIncident>?>([]);

    public Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct)
    {
        logger.LogInformation("[dry run] would PUT /components/{ComponentId} status={Status}", componentId, status);
        return Task.CompletedTask;
    }

    public Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct);

    public Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct)
    {
        var id = -Interlocked.Increment(ref _nextIncidentId);
        if (monitorTag is null)
        {
            logger.LogInformation(
                "[dry run] would POST /incidents name=\"{Name}\" message=\"{Message}\" status=1 component_id={ComponentId} component_status={ComponentStatus} visible={Visible}",
                name, message, componentId, componentStatus, visible);
        }
        else
        {
            logger.LogInformation(
                "[dry run] would POST /incidents name=\"{Name}\" message=\"{Message}\" status=1 component_id={ComponentId} component_status={ComponentStatus} visible={Visible} meta[cachet_monitor]={MonitorTag}",
                name, message, componentId, componentStatus, visible, monitorTag);
        }

        return Task.FromResult(new IncidentId(id));
    }

    public Task UpdateIncidentAsync(IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct)
    {
        logger.LogInformation(
            "[dry run] would POST /incidents/{{id}}/updates status=1 message=\"{Message}\" (title \"{Name}\", component status {ComponentStatus})",
            message, name, componentStatus);
        return Task.CompletedTask;
    }

    public Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct)
    {
        logger.LogInformation("[dry run] would POST /incidents/{{id}}/updates status=4 message=\"{Message}\"", message);
        return Task.FromResult(true);
    }

    public Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct)
    {
        logger.LogInformation(
            "[dry run] would POST /metrics/{MetricId}/points value={Value} timestamp={Timestamp}",
            metricId, CachetNumber.PlainDecimal(value), unixSeconds);
        return Task.CompletedTask;
    }
}
