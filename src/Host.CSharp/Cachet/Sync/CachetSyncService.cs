using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using CachetMonitor.Host.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// Start-up: reads each component's status, unresolved incidents and its endpoints' metrics from Cachet
/// (components listed in pages when there are many; concurrently, bounded) and hands them to the core; a Cachet
/// that cannot be reached is retried with backoff while monitoring goes on and writes wait. A 401/404 there is a
/// configuration error: the daemon stops with exit code 1. Then, every <see cref="CachetWriteOptions.ResyncInterval"/>,
/// re-reads statuses and unresolved incidents so the core learns of people's edits. Shutdown: lets in-flight
/// writes finish within the grace period. <paramref name="retryDelay"/> (how long a start-up read waits after its n-th
/// failure, given the server's Retry-After) is a seam for the deterministic simulation; by default
/// <see cref="Backoff.Delay"/>. With <paramref name="quiet"/>, Cachet's maintenance schedules are read before the
/// start-up reads and with every resync (<c>cachet.respect_schedules</c>).
/// </summary>
public sealed class CachetSyncService(
    ComponentSet components,
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    RunState runState,
    bool dryRun,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CachetSyncService> logger,
    Func<int, TimeSpan?, TimeSpan>? retryDelay = null,
    QuietTimes? quiet = null) : BackgroundService
{
    private readonly Func<int, TimeSpan?, TimeSpan> _retryDelay = retryDelay ?? ((attempt, asked) => Backoff.Delay(attempt, options, asked));
    private CancellationToken _stopping;

    /// <summary>From this many components on, start-up and resync list the components rather than reading each.</summary>
    internal const int ListingThreshold = 20;

    /// <summary>
    /// Reads Cachet for a component hot reload added (or after the Cachet instance changed), in the background, once
    /// <paramref name="after"/> (the last write of an earlier sync of the component) has completed.
    /// </summary>
    public async Task AdoptLaterAsync(ComponentSync component, Task? after = null)
    {
        try
        {
            if (after is not null)
            {
                await after.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            if (await AdoptAsync(component, null, _stopping, strict: false).ConfigureAwait(false) is { } problem)
            {
                // Not fatal on reload: the running config stays monitored; this component waits for a fixed config.
                logger.LogError("Cachet configuration error, writes for component {ComponentId} wait: {Problem}", component.ComponentId, problem);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var current = components.Current;
        if (dryRun)
        {
            foreach (var component in current)
            {
                component.Apply(HostInterop.Adopted(0, []));
            }
            runState.MarkReady();
            return;
        }
        try
        {
            // Before adoption: a component in a schedule in progress must not get an incident from its first checks.
            await ReadSchedulesAsync(stoppingToken).ConfigureAwait(false);
            var listed = await ListComponentsAsync(current.Count, stoppingToken).ConfigureAwait(false);
            using var slots = new SemaphoreSlim(Math.Max(options.MaxConcurrentCalls * 4, 16));
            var reads = current.Select(async component =>
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    return await AdoptAsync(component, listed.GetValueOrDefault(component.ComponentId), stoppingToken, strict: true).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            });
            var problems = (await Task.WhenAll(reads).ConfigureAwait(false)).Where(p => p is not null).ToList();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    logger.LogCritical("Cachet configuration error: {Problem}", problem);
                }
                runState.Fail($"{problems.Count} component(s) do not match Cachet; fix the config and start again");
                lifetime.StopApplication();
                return;
            }
            runState.MarkReady();
            logger.LogInformation("Start-up reads done: Cachet state adopted for {Count} component(s)", current.Count);
            await ResyncLoopAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ResyncLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.ResyncInterval, time, ct).ConfigureAwait(false);
            try
            {
                await ResyncAsync(ct).ConfigureAwait(false);
            }
            catch (CachetApiException e)
            {
                logger.LogWarning("Periodic resync with Cachet failed ({Reason}); the next one is in {Interval}", e.Message, options.ResyncInterval);
            }
        }
    }

    /// <summary>
    /// Re-reads every component's status and unresolved incidents and hands them to the core with the state version
    /// each read started from (a write decided meanwhile makes that read stale, and the core ignores it).
    /// </summary>
    public async Task ResyncAsync(CancellationToken ct)
    {
        await ReadSchedulesAsync(ct).ConfigureAwait(false);
        var current = components.Current.Where(c => c.State.Adopted).ToList();
        var versions = current.ToDictionary(c => c.ComponentId, c => c.State.Version);
        var listed = await ListComponentsAsync(current.Count, ct).ConfigureAwait(false);
        var all = await gate.RunAsync(cachet.ListAllUnresolvedIncidentsAsync, ct).ConfigureAwait(false);
        var byComponent = all?.Where(i => i.ComponentId is not null)
            .GroupBy(i => i.ComponentId!.Value.CoreId())
            .ToDictionary(g => g.Key, g => g.OrderByDescending(i => i.Id).ToList());
        foreach (var component in current)
        {
            var id = component.ComponentId;
            var status = listed.TryGetValue(id, out var known)
                ? known.Status
                : (await gate.RunAsync(c => cachet.GetComponentAsync(id, c), ct).ConfigureAwait(false)).Status;
            IReadOnlyList<CachetIncident> incidents = byComponent is null
                ? await gate.RunAsync(c => cachet.ListUnresolvedIncidentsAsync(id, c), ct).ConfigureAwait(false)
                : byComponent.GetValueOrDefault(id) ?? [];
            component.Apply(HostInterop.Resynced(status, incidents.Select(Seen), versions[id]));
        }
        logger.LogDebug("Resynced {Count} component(s) with Cachet", current.Count);
    }

    /// <summary>
    /// Hands Cachet's schedules to the quiet times; a failed read keeps the last known ones (and is logged), a Cachet
    /// without schedules (2.3) counts as none.
    /// </summary>
    private async Task ReadSchedulesAsync(CancellationToken ct)
    {
        if (quiet is null)
        {
            return;
        }
        if (!quiet.RespectSchedules)
        {
            quiet.SetSchedules([]);
            return;
        }
        try
        {
            var schedules = await gate.RunAsync(cachet.ListSchedulesAsync, ct).ConfigureAwait(false);
            if (schedules is null && !_schedulesMissingLogged)
            {
                _schedulesMissingLogged = true;
                logger.LogInformation("This Cachet has no schedules to read (Cachet 2.3); cachet.respect_schedules has nothing to do");
            }
            quiet.SetSchedules(schedules ?? []);
        }
        catch (CachetApiException e)
        {
            logger.LogWarning("Reading Cachet's schedules failed ({Reason}); the last known schedules stay", e.Message);
        }
    }

    private bool _schedulesMissingLogged;

    private static SeenIncident Seen(CachetIncident incident) =>
        HostInterop.SeenIncident(incident.Id.CoreId(), incident.Name, incident.MonitorTag is not null, incident.Visible, incident.ComponentStatus);

    /// <summary>
    /// With many components, every component in a few paged calls instead of one call each. Any failure, or a
    /// component missing from the list (a token Cachet treats as a guest sees no disabled ones), leaves those
    /// components to their own reads, which retry and report as before.
    /// </summary>
    private async Task<Dictionary<int, CachetComponent>> ListComponentsAsync(int count, CancellationToken ct)
    {
        var listed = new Dictionary<int, CachetComponent>();
        if (count < ListingThreshold)
        {
            return listed;
        }
        try
        {
            await foreach (var component in cachet.ListComponentsAsync(ct).ConfigureAwait(false))
            {
                listed[component.Id.CoreId()] = component;
            }
        }
        catch (CachetApiException e)
        {
            logger.LogWarning("Listing Cachet's components failed ({Reason}); reading them one by one", e.Message);
            listed.Clear();
        }
        return listed;
    }

    /// <summary>
    /// Reads one component's Cachet state, retrying transient failures, and adopts it; returns a problem, or null.
    /// A missing metric is a problem at start-up (<paramref name="strict"/>); on reload it is logged and the
    /// component is adopted all the same, so its status and incidents are kept true.
    /// </summary>
    private async Task<string?> AdoptAsync(ComponentSync component, CachetComponent? listed, CancellationToken ct, bool strict)
    {
        if (dryRun)
        {
            component.Apply(HostInterop.Adopted(0, []));
            return null;
        }
        var id = component.ComponentId;
        var plan = component.Plan;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                foreach (var member in plan.Members)
                {
                    if (member.Endpoint.MetricIdOrNull is { } metricId)
                    {
                        try
                        {
                            var metric = await gate.RunAsync(c => cachet.GetMetricAsync(metricId, c), ct).ConfigureAwait(false);
                            if (metric.Threshold > 0 && cachet.DropsPointsWithinThreshold)
                            {
                                logger.LogWarning(
                                    "Cachet metric {MetricId} (\"{Metric}\", endpoint \"{Endpoint}\") has threshold {Threshold}: Cachet 3 keeps only the first point of every {Threshold} minute(s) and drops the values pushed after it. Set the metric's threshold to 0 (and its calculation to average) in Cachet's dashboard",
                                    metricId, metric.Name, member.Name, metric.Threshold, metric.Threshold);
                            }
                        }
                        catch (CachetApiException e) when (e.Kind == CachetApiErrorKind.NotFound)
                        {
                            var problem = $"endpoint \"{member.Name}\": metric_id {metricId}: {e.Message}";
                            if (strict)
                            {
                                return problem;
                            }
                            logger.LogError("Cachet configuration error, points of this metric will be refused: {Problem}", problem);
                        }
                    }
                }
                var shown = listed ?? await gate.RunAsync(c => cachet.GetComponentAsync(id, c), ct).ConfigureAwait(false);
                // Read even without CREATE_INCIDENT: foreign incidents set a floor, ours wait for a reload that adds it.
                var incidents = await gate.RunAsync(c => cachet.ListUnresolvedIncidentsAsync(id, c), ct).ConfigureAwait(false);
                component.Apply(HostInterop.Adopted(shown.Status, incidents.Select(Seen)));
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var ours = component.State.Incident?.Value.Id?.Value;
                    logger.LogDebug(
                        "Adopted Cachet state: component {ComponentId} status {Status}{Incident}, {Count} unresolved incident(s) in all",
                        id, shown.Status, ours is { } adoptedId ? $", open incident {adoptedId}" : "", incidents.Count);
                }
                return null;
            }
            catch (CachetApiException e) when (e.Kind is CachetApiErrorKind.NotFound or CachetApiErrorKind.Unauthorized or CachetApiErrorKind.Redirected)
            {
                return $"component {id} ({string.Join(", ", plan.Members.Select(m => $"\"{m.Name}\""))}): {e.Message}";
            }
            catch (CachetApiException e)
            {
                listed = null; // stale by the time of the retry: read it afresh
                var delay = _retryDelay(attempt, e.RetryAfter);
                logger.LogWarning(
                    "Start-up read for component {ComponentId} failed ({Reason}); monitoring goes on, writes wait; retry in {Delay:0.#} s",
                    id, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var all = components.All;
        var drains = all.Select(c => c.Drain).Where(t => !t.IsCompleted).ToList();
        if (drains.Count > 0)
        {
            logger.LogInformation("Waiting up to {Grace} s for {Count} Cachet write(s) in flight", options.ShutdownGrace.TotalSeconds, drains.Count);
            await Task.WhenAny(Task.WhenAll(drains), Task.Delay(options.ShutdownGrace, time, CancellationToken.None)).ConfigureAwait(false);
        }
        gate.Stop();
        var pending = all.Sum(c => c.Pending);
        if (pending > 0)
        {
            logger.LogWarning("{Pending} Cachet write(s) not acknowledged at shutdown; open incidents are adopted at the next start", pending);
        }
    }
}
