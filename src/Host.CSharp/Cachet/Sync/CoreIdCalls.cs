using CachetMonitor.Host.Cachet.Api;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// The boundary between the core's ids and the Cachet API's: the core's commands, plans and state carry plain ints,
/// the API takes and answers <see cref="ComponentId"/>, <see cref="IncidentId"/> and <see cref="MetricId"/>. The sync
/// calls Cachet with the core's ids, and reads Cachet's answers back into them, through these and nowhere else.
/// </summary>
internal static class CoreIdCalls
{
    /// <summary>The core's id of a component Cachet answered with.</summary>
    public static int CoreId(this ComponentId id) => id.Value;

    /// <summary>The core's id of an incident Cachet answered with.</summary>
    public static int CoreId(this IncidentId id) => id.Value;

    public static Task<CachetComponent> GetComponentAsync(this ICachetApi cachet, int componentId, CancellationToken ct) =>
        cachet.GetComponentAsync(new ComponentId(componentId), ct);

    public static Task<CachetMetric> GetMetricAsync(this ICachetApi cachet, int metricId, CancellationToken ct) =>
        cachet.GetMetricAsync(new MetricId(metricId), ct);

    public static Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(this ICachetApi cachet, int componentId, CancellationToken ct) =>
        cachet.ListUnresolvedIncidentsAsync(new ComponentId(componentId), ct);

    public static Task SetComponentStatusAsync(this ICachetApi cachet, int componentId, int status, CancellationToken ct) =>
        cachet.SetComponentStatusAsync(new ComponentId(componentId), status, ct);

    /// <summary>Creates an incident; its id goes back to the core as an int.</summary>
    public static async Task<int> CreateIncidentAsync(
        this ICachetApi cachet, string name, string message, int componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct) =>
        (await cachet.CreateIncidentAsync(name, message, new ComponentId(componentId), componentStatus, visible, monitorTag, ct).ConfigureAwait(false)).Value;

    public static Task UpdateIncidentAsync(
        this ICachetApi cachet, int incidentId, string name, string message, int componentId, int componentStatus, bool visible, CancellationToken ct) =>
        cachet.UpdateIncidentAsync(new IncidentId(incidentId), name, message, new ComponentId(componentId), componentStatus, visible, ct);

    public static Task<bool> ResolveIncidentAsync(this ICachetApi cachet, int incidentId, string message, bool visible, CancellationToken ct) =>
        cachet.ResolveIncidentAsync(new IncidentId(incidentId), message, visible, ct);

    public static Task PushMetricPointAsync(this ICachetApi cachet, int metricId, double value, long unixSeconds, CancellationToken ct) =>
        cachet.PushMetricPointAsync(new MetricId(metricId), value, unixSeconds, ct);
}
