using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// One Cachet component: holds the core's state for it (the only copy), feeds it checks, Cachet reads and the
/// outcomes of writes, and executes the commands it returns literally — incident and status writes in the order
/// decided (a newer status replaces one not yet sent), metric points per metric (bounded, overflow counted).
/// One drain runs at a time per component, off the probe path; an unexpected error is logged, counted and retried.
/// Two optional seams exist for the deterministic simulation (tests/CachetMonitor.Tests/Simulation): how a drain is
/// started (<paramref name="startDrain"/>, by default on the thread pool with <c>Task.Run</c>) and how long a retry
/// waits after the n-th failure given the server's Retry-After (<paramref name="retryDelay"/>, by default
/// <see cref="Backoff.Delay"/>, whose jitter is not seeded).
/// </summary>
public sealed class ComponentSync(
    ComponentPlan plan,
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    Action<string, WebhookNotice> notify,
    Func<string, string> redact,
    SyncCounters counters,
    TimeProvider time,
    ILogger logger,
    Func<Func<Task>, Task>? startDrain = null,
    Func<int, TimeSpan?, TimeSpan>? retryDelay = null)
{
    private readonly Func<Func<Task>, Task> _startDrain = startDrain ?? (static work => Task.Run(work));
    private readonly Func<int, TimeSpan?, TimeSpan> _retryDelay = retryDelay ?? ((failures, asked) => Backoff.Delay(failures, options, asked));
    private readonly object _lock = new();
    private readonly LinkedList<ComponentCommand> _writes = new();
    private readonly Dictionary<int, Queue<MetricPoint>> _points = [];
    private readonly HashSet<int> _attemptedCreates = [];
    private ComponentState _state = HostInterop.InitialComponent(plan);
    private Task _drain = Task.CompletedTask;
    private bool _draining;
    private int _nextMetric;
    private ComponentCommand? _inFlight;

    /// <summary>Cancels a metric point's wait for rate budget: an incident or status write has come and goes first.</summary>
    private CancellationTokenSource? _pointWait;

    /// <summary>
    /// The status this drain's last acknowledged write set (an incident write carries one on Cachet 2.x), so a status
    /// command right behind it is not sent twice; forgotten whenever Cachet is read again or an answer was lost.
    /// </summary>
    private int? _lastStatusWritten;

    /// <summary>The level of the lines saying a write was made: Debug in a dry run (the stand-in logs those).</summary>
    private LogLevel Written => options.DryRun ? LogLevel.Debug : LogLevel.Information;

    public int ComponentId => plan.ComponentId;

    /// <summary>The endpoints driving this component now, in config order.</summary>
    public ComponentPlan Plan
    {
        get
        {
            lock (_lock)
            {
                return _state.Plan;
            }
        }
    }

    /// <summary>The core's state (read-only snapshot, for reads that must tell the core which state they saw).</summary>
    public ComponentState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Writes and points not yet acknowledged by Cachet.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _writes.Count + _points.Values.Sum(q => q.Count);
            }
        }
    }

    /// <summary>The current drain, for shutdown.</summary>
    public Task Drain
    {
        get
        {
            lock (_lock)
            {
                return _drain;
            }
        }
    }

    /// <summary>True once a retired component has nothing of ours left to write.</summary>
    public bool Settled
    {
        get
        {
            lock (_lock)
            {
                return _writes.Count == 0 && HostInterop.IsSettled(_state);
            }
        }
    }

    /// <summary>One check of a member endpoint.</summary>
    public void OnChecked(string endpoint, Verdict verdict, long unixSeconds) =>
        Apply(HostInterop.Checked(endpoint, verdict, unixSeconds));

    /// <summary>The number one check of a member endpoint read for its <c>metric_value</c>.</summary>
    public void OnMeasured(string endpoint, double value, long unixSeconds) =>
        Apply(HostInterop.Measured(endpoint, value, unixSeconds));

    /// <summary>Folds an event into the core's state and executes what it decides.</summary>
    public void Apply(ComponentEvent @event)
    {
        lock (_lock)
        {
            if (@event.IsAdopted || @event.IsResynced || @event.IsCachetChanged)
            {
                // Cachet was read (or replaced): what our last write set may no longer be what it shows.
                _lastStatusWritten = null;
            }
            if (@event.IsCachetChanged)
            {
                // Writes decided for the old instance must not reach the new one: a call already sent finishes
                // against the old client, its outcome ignored by the core; nothing is retried.
                _writes.Clear();
            }
            var before = @event.IsChecked ? HostInterop.DownEndpoints(_state) : null;
            var result = HostInterop.Step(_state, @event);
            _state = result.State;
            if (before is not null)
            {
                LogTransitions(before, HostInterop.DownEndpoints(_state), (ComponentEvent.Checked)@event);
            }
            foreach (var command in result.Commands)
            {
                Route(command);
            }
        }
        Kick();
    }

    private void Route(ComponentCommand command)
    {
        switch (command)
        {
            case ComponentCommand.Notify hook:
                notify(hook.Item.Endpoint, new WebhookNotice(hook.Item.Notice.Event, redact(hook.Item.Notice.Title), redact(hook.Item.Notice.Message)));
                break;
            case ComponentCommand.PushMetric metric:
                var points = _points.TryGetValue(metric.Item.MetricId, out var queue) ? queue : _points[metric.Item.MetricId] = new Queue<MetricPoint>();
                if (points.Count >= options.MaxPendingMetricPoints)
                {
                    points.Dequeue();
                    counters.MetricPointDropped();
                    if (counters.ShouldLogDrop())
                    {
                        logger.LogWarning(
                            "Cachet is slower than the checks: dropped the oldest unsent point of metric {MetricId} ({Pending} are waiting; counted in cachet_monitor_metric_points_dropped_total)",
                            metric.Item.MetricId, options.MaxPendingMetricPoints);
                    }
                }
                points.Enqueue(metric.Item);
                break;
            case ComponentCommand.SetStatus:
                // A newer status supersedes one not yet sent (one in flight completes, then is dropped by the drain).
                for (var node = _writes.First; node is not null;)
                {
                    var next = node.Next;
                    if (node.Value.IsSetStatus && !ReferenceEquals(node.Value, _inFlight))
                    {
                        _writes.Remove(node);
                    }
                    node = next;
                }
                _writes.AddLast(command);
                break;
            default:
                _writes.AddLast(command);
                break;
        }
        if (!command.IsPushMetric && !command.IsNotify)
        {
            _pointWait?.Cancel();
        }
    }

    private void LogTransitions(
        IReadOnlyList<KeyValuePair<string, Severity>> before,
        IReadOnlyList<KeyValuePair<string, Severity>> after,
        ComponentEvent.Checked check)
    {
        var name = check.endpoint;
        var was = before.FirstOrDefault(d => d.Key == name).Value;
        var now = after.FirstOrDefault(d => d.Key == name).Value;
        var message = check.verdict is Verdict.Failed failed ? redact(failed.Item.Message) : "all expectations passed";
        if (was is null && now is not null)
        {
            logger.LogWarning("{Endpoint} down ({Severity}): {Message}", name, SeverityModule.name(now), message);
        }
        else if (was is not null && now is null)
        {
            logger.LogInformation("{Endpoint} recovered: {Message}", name, message);
        }
        else if (was is not null && now is not null && !was.Equals(now))
        {
            logger.LogWarning("{Endpoint} severity changed to {Severity}: {Message}", name, SeverityModule.name(now), message);
        }
    }

    /// <summary>Starts a drain unless one is running or Cachet has not been read yet.</summary>
    public void Kick()
    {
        lock (_lock)
        {
            if (_draining || !_state.Adopted || (_writes.Count == 0 && _points.Values.All(q => q.Count == 0)))
            {
                return;
            }
            _draining = true;
            _drain = _startDrain(() => DrainAsync(gate.Stopping));
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            ComponentCommand? write;
            MetricPoint? point = null;
            lock (_lock)
            {
                // A status overtaken by a newer one (while this one was failing) is not written any more.
                foreach (var overtaken in _writes.Where(w => w.IsSetStatus).SkipLast(1).ToList())
                {
                    _writes.Remove(overtaken);
                }
                // Incident writes go first: they carry the status they imply, and a status Cachet keeps refusing must
                // not hold back the incident (a queued status is the newest wanted, so writing it last is right).
                write = _writes.FirstOrDefault(w => !w.IsSetStatus) ?? _writes.First?.Value;
                if (write is null)
                {
                    point = NextPointLocked();
                }
                if ((write is null && point is null) || !_state.Adopted)
                {
                    _draining = false;
                    _inFlight = null;
                    return;
                }
                _inFlight = write;
            }
            try
            {
                if (write is not null)
                {
                    var outcome = await ExecuteAsync(write, ct).ConfigureAwait(false);
                    Finish(write, outcome);
                }
                else
                {
                    using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    lock (_lock)
                    {
                        _pointWait = waiting;
                    }
                    try
                    {
                        await gate.RunMetricAsync(
                            c => cachet.PushMetricPointAsync(point!.MetricId, point.Value, point.UnixSeconds, c), waiting.Token, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        lock (_lock)
                        {
                            _pointWait = null;
                        }
                    }
                    logger.LogDebug("Cachet: metric {MetricId} point {Value} at {Timestamp}", point!.MetricId, point.Value, point.UnixSeconds);
                    DropPoint(point);
                }
                failures = 0;
            }
            catch (CachetApiException e) when (e.IsTransient
                || e.Kind is CachetApiErrorKind.Unauthorized or CachetApiErrorKind.MalformedResponse or CachetApiErrorKind.Redirected)
            {
                // The write may have taken effect before its answer was lost: it is retried (a create first looks for
                // what it may have made).
                LastStatusWritten = null;
                failures++;
                var delay = _retryDelay(failures, e.RetryAfter);
                if (e.Kind == CachetApiErrorKind.Unauthorized)
                {
                    logger.LogError("Cachet rejected the API token; writes for component {ComponentId} wait and retry in {Delay:0.#} s", ComponentId, delay.TotalSeconds);
                }
                else
                {
                    logger.LogWarning("Cachet write failed for component {ComponentId} ({Reason}); retry {Attempt} in {Delay:0.#} s", ComponentId, e.Message, failures, delay.TotalSeconds);
                }
                if (!await WaitAsync(delay, ct).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (CachetApiException e)
            {
                // Refused for good (400, 404): the core hears of it, the write is not retried.
                logger.LogError("Cachet refused a write for component {ComponentId}, not retrying it: {Reason}", ComponentId, e.Message);
                if (write is not null)
                {
                    Finish(write, Refused(write, e));
                }
                else
                {
                    DropPoint(point!);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (write is null)
            {
                // The point gave up its wait for rate budget: an incident or status write came, and goes first.
            }
            catch (Exception e)
            {
                // A bug must not silence this component's writes for good: log, count, and go on after a pause.
                failures++;
                counters.WriteLoopFailed();
                logger.LogError(e, "Unexpected error writing component {ComponentId} to Cachet; retrying", ComponentId);
                if (!await WaitAsync(_retryDelay(failures, null), ct).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        lock (_lock)
        {
            _draining = false;
            _inFlight = null;
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The oldest point of the next metric in turn (metrics take turns, so one busy metric starves none). While the
    /// rate budget holds points back, the metric's waiting points are first averaged into one (the newest time): one
    /// point per metric per turn instead of a backlog that would only grow.
    /// </summary>
    private MetricPoint? NextPointLocked()
    {
        if (_points.Count == 0)
        {
            return null;
        }
        var keys = _points.Keys.ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[(_nextMetric + i) % keys.Length];
            if (_points[key].TryPeek(out var point))
            {
                _nextMetric = (_nextMetric + i + 1) % keys.Length;
                if (_points[key].Count > 1 && gate.Budget is { Short: true })
                {
                    var waiting = _points[key].ToArray();
                    var newest = waiting[^1];
                    point = new MetricPoint(key, newest.Endpoint, waiting.Average(p => p.Value), newest.UnixSeconds);
                    _points[key] = new Queue<MetricPoint>([point]);
                    counters.MetricPointsCoalesced(waiting.Length - 1);
                }
                return point;
            }
        }
        return null;
    }

    private void DropPoint(MetricPoint point)
    {
        lock (_lock)
        {
            // An overflow may have dropped it meanwhile: remove it only if it is still the oldest.
            if (_points.TryGetValue(point.MetricId, out var queue) && queue.TryPeek(out var head) && ReferenceEquals(head, point))
            {
                queue.Dequeue();
            }
        }
    }

    /// <summary>Removes the executed write and feeds its outcome to the core.</summary>
    private void Finish(ComponentCommand write, ComponentEvent? outcome)
    {
        lock (_lock)
        {
            for (var node = _writes.First; node is not null; node = node.Next)
            {
                if (ReferenceEquals(node.Value, write))
                {
                    _writes.Remove(node);
                    break;
                }
            }
            if (write is ComponentCommand.OpenIncident open)
            {
                _attemptedCreates.Remove(open.Item.Write);
            }
        }
        if (outcome is not null)
        {
            Apply(outcome);
        }
    }

    private static ComponentEvent? Refused(ComponentCommand write, CachetApiException e) => write switch
    {
        ComponentCommand.OpenIncident open => ComponentEvent.NewIncidentRefused(open.Item.Write),
        ComponentCommand.UpdateIncident update => e.Kind == CachetApiErrorKind.NotFound
            ? ComponentEvent.NewIncidentGone(update.Item.Write)
            : ComponentEvent.NewIncidentRefused(update.Item.Write),
        ComponentCommand.ResolveIncident resolve => e.Kind == CachetApiErrorKind.NotFound
            ? ComponentEvent.NewIncidentGone(resolve.Item.Write)
            : ComponentEvent.NewIncidentRefused(resolve.Item.Write),
        _ => null,
    };

    private async Task<ComponentEvent?> ExecuteAsync(ComponentCommand write, CancellationToken ct)
    {
        var componentId = ComponentId;
        switch (write)
        {
            case ComponentCommand.SetStatus set:
                var status = HostInterop.StatusCode(set.Item.Status);
                if (LastStatusWritten == status)
                {
                    // Already true: the incident write just before it set this status.
                    return null;
                }
                await gate.RunAsync(c => cachet.SetComponentStatusAsync(componentId, status, c), ct).ConfigureAwait(false);
                LastStatusWritten = status;
                logger.Log(Written, "Cachet: component {ComponentId} status set to {Status}", componentId, status);
                return null;
            case ComponentCommand.OpenIncident open:
                var create = open.Item;
                bool retried;
                lock (_lock)
                {
                    retried = !_attemptedCreates.Add(create.Write);
                }
                if (retried && await FindCreatedAsync(create.Tag, create.Title, ct).ConfigureAwait(false) is { } existing)
                {
                    logger.Log(Written, "Cachet: incident {IncidentId} was created by an earlier attempt; adopted", existing);
                    return ComponentEvent.NewIncidentOpened(create.Write, existing);
                }
                var id = await gate.RunAsync(
                    c => cachet.CreateIncidentAsync(redact(create.Title), redact(create.Message), componentId,
                        HostInterop.StatusCode(create.ComponentStatus), create.Visible, create.Tag, c), ct).ConfigureAwait(false);
                if (cachet.IncidentsSetComponentStatus)
                {
                    LastStatusWritten = HostInterop.StatusCode(create.ComponentStatus);
                }
                logger.Log(Written, "Cachet: opened incident {IncidentId} \"{Title}\" on component {ComponentId}", id, redact(create.Title), componentId);
                return ComponentEvent.NewIncidentOpened(create.Write, id);
            case ComponentCommand.UpdateIncident update:
                var change = update.Item;
                await gate.RunAsync(
                    c => cachet.UpdateIncidentAsync(change.IncidentId, redact(change.Title), redact(change.Message), componentId,
                        HostInterop.StatusCode(change.ComponentStatus), change.Visible, c), ct).ConfigureAwait(false);
                // Cachet 2.4's incident updates leave the component alone: the status the update implies is set with it.
                // On Cachet 3 the incident's impact stands; the component's own status moves only by SetStatus.
                if (cachet.IncidentsSetComponentStatus)
                {
                    var changedTo = HostInterop.StatusCode(change.ComponentStatus);
                    await gate.RunAsync(c => cachet.SetComponentStatusAsync(componentId, changedTo, c), ct).ConfigureAwait(false);
                    LastStatusWritten = changedTo;
                }
                logger.Log(Written, "Cachet: incident {IncidentId} updated to \"{Title}\"", change.IncidentId, redact(change.Title));
                return ComponentEvent.NewIncidentWritten(change.Write);
            case ComponentCommand.ResolveIncident resolve:
                var fix = resolve.Item;
                var found = await gate.RunAsync(c => cachet.ResolveIncidentAsync(fix.IncidentId, redact(fix.Message), fix.Visible, c), ct).ConfigureAwait(false);
                if (fix.ComponentStatus is { } then && cachet.IncidentsSetComponentStatus)
                {
                    // Cachet 2.x leaves the component alone when an incident is fixed: the resolve carries the status to set.
                    // On Cachet 3 the impact ends with the incident, and the baseline is ours only through SetStatus.
                    var code = HostInterop.StatusCode(then.Value);
                    await gate.RunAsync(c => cachet.SetComponentStatusAsync(componentId, code, c), ct).ConfigureAwait(false);
                    LastStatusWritten = code;
                }
                if (!found)
                {
                    logger.LogWarning("Cachet: incident {IncidentId} no longer exists; forgotten", fix.IncidentId);
                    return ComponentEvent.NewIncidentGone(fix.Write);
                }
                logger.Log(Written, "Cachet: incident {IncidentId} resolved", fix.IncidentId);
                return ComponentEvent.NewIncidentWritten(fix.Write);
            default:
                return null;
        }
    }

    private int? LastStatusWritten
    {
        get
        {
            lock (_lock)
            {
                return _lastStatusWritten;
            }
        }
        set
        {
            lock (_lock)
            {
                _lastStatusWritten = value;
            }
        }
    }

    /// <summary>
    /// The newest unresolved incident with our tag (or, untagged, our title) that the core does not know yet: what a
    /// create whose answer was lost made.
    /// </summary>
    private async Task<int?> FindCreatedAsync(string tag, string title, CancellationToken ct)
    {
        var incidents = await gate.RunAsync(c => cachet.ListUnresolvedIncidentsAsync(ComponentId, c), ct).ConfigureAwait(false);
        ComponentState state;
        lock (_lock)
        {
            state = _state;
        }
        var known = state.Strays.ToHashSet();
        return incidents.FirstOrDefault(i => (i.MonitorTag == tag || i.Name == redact(title)) && !known.Contains(i.Id.CoreId()))?.Id.CoreId();
    }
}
