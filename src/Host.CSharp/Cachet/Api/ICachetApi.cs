using CachetMonitor.Domain;
namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// The Cachet operations the daemon needs: the live client implements them over HTTP, the dry-run
/// implementation only logs the writes. Failures are <see cref="CachetApiException"/>s.
/// </summary>
public interface ICachetApi
{
    /// <summary>
    /// True when creating, updating or resolving an incident with a component status sets the component's status, as
    /// on Cachet 2.x (the executor then counts that status as written). False on Cachet 3, where an incident only
    /// attaches an impact and the component's own (baseline) status changes with <see cref="SetComponentStatusAsync"/> only.
    /// </summary>
    bool IncidentsSetComponentStatus => true;

    /// <summary>
    /// True when Cachet keeps only the first point within a metric's <c>threshold</c> minutes whatever the values
    /// (Cachet 3); 2.x merges only equal values.
    /// </summary>
    bool DropsPointsWithinThreshold => false;

    Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct);

    /// <summary>
    /// Every component Cachet lists, a page at a time: start-up reads thousands of components with a few calls
    /// instead of one each. An implementation that cannot list yields nothing, and callers read one by one.
    /// </summary>
    IAsyncEnumerable<CachetComponent> ListComponentsAsync(CancellationToken ct) => AsyncEnumerable.Empty<CachetComponent>();

    Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct);

    Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct);

    /// <summary>
    /// Every unresolved incident (status &lt; 4) of a component, newest first. An implementation that cannot list gives
    /// the newest one only (<see cref="FindOpenIncidentAsync"/>).
    /// </summary>
    async Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        await FindOpenIncidentAsync(componentId, ct).ConfigureAwait(false) is { } newest ? [newest] : [];

    /// <summary>
    /// Every unresolved incident of every component, newest first, in a few calls: a periodic resync of thousands of
    /// components. Null when the list cannot be read completely; callers then read per component
    /// (<see cref="ListUnresolvedIncidentsAsync"/>). An implementation that cannot list gives null.
    /// </summary>
    Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CachetIncident>?>(null);

    /// <summary>
    /// The maintenance schedules that may be in progress (Cachet 2.4 and 3.x), for the components they quiet. Null
    /// when this Cachet has none to read (2.3 answers 404) or the implementation cannot list them.
    /// </summary>
    Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<CachetSchedule>?>(null);

    Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct);

    Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct);

    /// <summary>
    /// As the untagged overload, and tags the incident with <paramref name="monitorTag"/> (none when null) so that a
    /// later listing can tell it from incidents made by hand (<see cref="CachetIncident.MonitorTag"/>). An
    /// implementation that cannot tag creates the incident untagged.
    /// </summary>
    Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct);

    Task UpdateIncidentAsync(IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct);

    Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct);

    Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct);
}
