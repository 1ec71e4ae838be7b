using CachetMonitor.Domain;
using CachetMonitor.Host.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet;

/// <summary>
/// Start-up: reads each endpoint's component status (listed in pages when there are many), open incident and
/// metric from Cachet (concurrently, bounded) and adopts them; a Cachet that cannot be reached is retried with backoff while monitoring goes on
/// and writes wait. A 401/404 there is a configuration error: the daemon stops with exit code 1.
/// Shutdown: lets in-flight Cachet writes finish within the grace period.
/// </summary>
public sealed class CachetSyncService(
    MonitorSet monitorSet,
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    RunState runState,
    bool dryRun,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CachetSyncService> logger) : BackgroundService
{
    private CancellationToken _stopping;

    /// <summary>Adopts Cachet's state for an endpoint that hot reload added, once <paramref name="after"/> is done.</summary>
    public async Task AdoptAddedAsync(EndpointMonitor monitor, Task after)
    {
        if (dryRun)
        {
            monitor.StartUnknown();
            return;
        }
        try
        {
            // A replaced endpoint's last writes land before its successor reads Cachet.
            await Task.WhenAny(after, Task.Delay(options.ShutdownGrace, time, _stopping)).ConfigureAwait(false);
            if (await AdoptAsync(monitor, _stopping).ConfigureAwait(false) is { } problem)
            {
                logger.LogError("Cachet configuration error, writes for this endpoint are off: {Problem}", problem);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var monitors = monitorSet.Current;
        if (dryRun)
        {
            foreach (var monitor in monitors)
            {
                monitor.StartUnknown();
            }
            runState.MarkReady();
            return;
        }
        var listed = await ListComponentsAsync(monitors.Count, stoppingToken).ConfigureAwait(false);
        using var slots = new SemaphoreSlim(Math.Max(options.MaxConcurrentCalls * 4, 16));
        var reads = monitors.Select(async monitor =>
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                var known = listed.GetValueOrDefault(monitor.Endpoint.ComponentId);
                return await AdoptAsync(monitor, known, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        });
        try
        {
            var results = await Task.WhenAll(reads).ConfigureAwait(false);
            var problems = results.Where(p => p is not null).ToList();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    logger.LogCritical("Cachet configuration error: {Problem}", problem);
                }
                runState.Fail($"{problems.Count} endpoint(s) do not match Cachet; fix the config and start again");
                lifetime.StopApplication();
                return;
            }
            runState.MarkReady();
            logger.LogInformation("Start-up reads done: Cachet state adopted for {Count} endpoint(s)", monitors.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// With many endpoints, every component in a few paged calls instead of one call each (10,000 endpoints: 20
    /// calls, not 10,000). Any failure, or a component missing from the list (a token Cachet treats as a guest
    /// sees no disabled ones), leaves those endpoints to their own reads, which retry and report as before.
    /// </summary>
    private async Task<Dictionary<int, CachetComponent>> ListComponentsAsync(int endpoints, CancellationToken ct)
    {
        var listed = new Dictionary<int, CachetComponent>();
        if (endpoints < ListingThreshold)
        {
            return listed;
        }
        try
        {
            await foreach (var component in cachet.ListComponentsAsync(ct).ConfigureAwait(false))
            {
                listed[component.Id] = component;
            }
        }
        catch (CachetApiException e)
        {
            logger.LogWarning("Listing Cachet's components failed ({Reason}); reading them one by one", e.Message);
            listed.Clear();
        }
        return listed;
    }

    /// <summary>From this many endpoints on, start-up lists the components rather than reading each.</summary>
    internal const int ListingThreshold = 20;

    /// <summary>Adopts one endpoint's Cachet state, retrying transient failures; returns a problem, or null.</summary>
    private Task<string?> AdoptAsync(EndpointMonitor monitor, CancellationToken ct) => AdoptAsync(monitor, null, ct);

    /// <summary>As above, with the component already read by the start-up listing if <paramref name="listed"/> is set.</summary>
    private async Task<string?> AdoptAsync(EndpointMonitor monitor, CachetComponent? listed, CancellationToken ct)
    {
        var endpoint = monitor.Endpoint;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (endpoint.MetricIdOrNull is { } metricId)
                {
                    await gate.RunAsync(c => cachet.GetMetricAsync(metricId, c), ct).ConfigureAwait(false);
                }
                var component = listed
                    ?? await gate.RunAsync(c => cachet.GetComponentAsync(endpoint.ComponentId, c), ct).ConfigureAwait(false);
                CachetIncident? incident = null;
                if (endpoint.Has(MonitorAction.CreateIncident))
                {
                    incident = await gate.RunAsync(c => cachet.FindOpenIncidentAsync(endpoint.ComponentId, c), ct).ConfigureAwait(false);
                }
                monitor.Adopt(MonitorCore.StatusOfCode(component.Status), incident?.Id);
                return null;
            }
            catch (CachetApiException e) when (e.Kind is CachetApiErrorKind.NotFound or CachetApiErrorKind.Unauthorized)
            {
                monitor.Sync.Disable();
                return $"endpoint \"{endpoint.Name}\": {e.Message}";
            }
            catch (CachetApiException e)
            {
                listed = null; // stale by the time of the retry: read it afresh
                var delay = Backoff.Delay(attempt, options, e.RetryAfter);
                logger.LogWarning(
                    "Start-up read for {Endpoint} failed ({Reason}); monitoring goes on, writes wait; retry in {Delay:0.#} s",
                    endpoint.Name, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var monitors = monitorSet.Current;
        var drains = monitors.Select(m => m.Sync.Drain).Where(t => !t.IsCompleted).ToList();
        if (drains.Count > 0)
        {
            logger.LogInformation("Waiting up to {Grace} s for {Count} Cachet write(s) in flight", options.ShutdownGrace.TotalSeconds, drains.Count);
            await Task.WhenAny(Task.WhenAll(drains), Task.Delay(options.ShutdownGrace, time, CancellationToken.None)).ConfigureAwait(false);
        }
        gate.Stop();
        var pending = monitors.Sum(m => m.Sync.Pending);
        if (pending > 0)
        {
            logger.LogWarning("{Pending} Cachet write(s) not acknowledged at shutdown; open incidents are adopted at the next start", pending);
        }
    }
}
