using System.Runtime.CompilerServices;
using CachetMonitor.Domain;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// The Cachet client chosen by version detection at the first call: start-up reads detect (and log what they found)
/// before anything is written. A probe Cachet could not answer (down, 5xx, 429) fails the call as transient and the
/// next call detects again, so a Cachet that is down at start-up delays detection like any read; a Cachet that answers
/// as neither version fails every call with the detection's <see cref="CachetApiErrorKind.NotFound"/>, which start-up
/// reports as fatal.
/// </summary>
/// <param name="detect">Detection (run again after a transient failure).</param>
/// <param name="logger">Where what was found is logged.</param>
/// <param name="detected">Told once what was found, before any call uses it.</param>
public sealed class DetectingCachetApi(
    Func<CancellationToken, Task<DetectedCachet>> detect, ILogger logger, Action<DetectedCachet>? detected = null) : ICachetApi
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private volatile ICachetApi? _client;

    /// <summary>The detected client, or null before detection succeeded.</summary>
    public ICachetApi? Detected => _client;

    /// <summary>
    /// The detected client's (writes only follow start-up reads, so detection has happened); true, the 2.x behaviour,
    /// before that.
    /// </summary>
    public bool IncidentsSetComponentStatus => _client?.IncidentsSetComponentStatus ?? true;

    /// <summary>The detected client's; false before detection.</summary>
    public bool DropsPointsWithinThreshold => _client?.DropsPointsWithinThreshold ?? false;

    private async Task<ICachetApi> ClientAsync(CancellationToken ct)
    {
        if (_client is { } known)
            return known;
        await _once.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client is { } raced)
                return raced;
            var found = await detect(ct).ConfigureAwait(false);
            logger.LogInformation("Cachet API detected: {Description} at {BaseUrl}", found.Description, found.BaseUrl);
            detected?.Invoke(found);
            _client = found.Client;
            return found.Client;
        }
        finally
        {
            _once.Release();
        }
    }

    public async Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).GetComponentAsync(id, ct).ConfigureAwait(false);

    public async IAsyncEnumerable<CachetComponent> ListComponentsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var client = await ClientAsync(ct).ConfigureAwait(false);
        await foreach (var component in client.ListComponentsAsync(ct).ConfigureAwait(false))
            yield return component;
    }

    public async Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).GetMetricAsync(id, ct).ConfigureAwait(false);

    public async Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).FindOpenIncidentAsync(componentId, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).ListUnresolvedIncidentsAsync(componentId, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).ListAllUnresolvedIncidentsAsync(ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).ListSchedulesAsync(ct).ConfigureAwait(false);

    public async Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).SetComponentStatusAsync(componentId, status, ct).ConfigureAwait(false);

    public Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct);

    public async Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false))
            .CreateIncidentAsync(name, message, componentId, componentStatus, visible, monitorTag, ct).ConfigureAwait(false);

    public async Task UpdateIncidentAsync(
        IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false))
            .UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct).ConfigureAwait(false);

    public async Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).ResolveIncidentAsync(incidentId, message, visible, ct).ConfigureAwait(false);

    public async Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct) =>
        await (await ClientAsync(ct).ConfigureAwait(false)).PushMetricPointAsync(metricId, value, unixSeconds, ct).ConfigureAwait(false);
}
