using CachetMonitor.Domain;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cachet;

/// <summary>
/// Makes Cachet agree with what the core decided for one endpoint. Incident writes are applied in order and
/// each is retried until Cachet acknowledges it; the component status is last-writer-wins (only the newest
/// desired status is written); metric points are queued (bounded). One drain runs at a time per endpoint, off
/// the probe path.
/// </summary>
public sealed class EndpointSync(
    Endpoint endpoint,
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The level of the lines saying a write was made: Debug in a dry run (the stand-in logs those).</summary>
    private LogLevel Written => options.DryRun ? LogLevel.Debug : LogLevel.Information;

    private readonly object _lock = new();
    private readonly Queue<PendingIncidentWrite> _incidentWrites = new();
    private readonly Queue<PendingMetricPoint> _metricPoints = new();
    private int? _desiredStatus;
    private int? _acknowledgedStatus;
    private int? _incidentId;
    private long _droppedPoints;
    private bool _ready;
    private bool _disabled;
    private Task _drain = Task.CompletedTask;
    private bool _draining;

    public Endpoint Endpoint => endpoint;

    /// <summary>Writes not yet acknowledged by Cachet.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _incidentWrites.Count + _metricPoints.Count + (_desiredStatus != _acknowledgedStatus && _desiredStatus is not null ? 1 : 0);
            }
        }
    }

    /// <summary>The id of the incident this endpoint keeps open in Cachet, if known.</summary>
    public int? OpenIncidentId
    {
        get
        {
            lock (_lock)
            {
                return _incidentId;
            }
        }
    }

    /// <summary>Start-up reads are done: what Cachet showed is known and writes may start.</summary>
    public void MarkReady(int? componentStatus, int? openIncidentId)
    {
        lock (_lock)
        {
            _acknowledgedStatus = componentStatus;
            _incidentId ??= openIncidentId;
            _ready = true;
        }
        Kick();
    }

    /// <summary>Stops all writes for this endpoint (a configuration error found after start-up).</summary>
    public void Disable()
    {
        lock (_lock)
        {
            _disabled = true;
            _incidentWrites.Clear();
            _metricPoints.Clear();
        }
    }

    /// <summary>Queues the Cachet side of the core's commands (webhooks are not handled here).</summary>
    public void Enqueue(IEnumerable<MonitorCommand> commands, long checkStartedUnixSeconds)
    {
        lock (_lock)
        {
            if (_disabled)
            {
                return;
            }
            foreach (var command in commands)
            {
                switch (command)
                {
                    case MonitorCommand.SetComponentStatus set:
                        _desiredStatus = ComponentStatusModule.toCode(set.Item);
                        break;
                    case MonitorCommand.OpenIncident open:
                        var opened = SeverityModule.toCode(open.Item.Severity);
                        _incidentWrites.Enqueue(new PendingIncidentWrite.Open(open.Item.Title, open.Item.Message, opened, open.Item.Visible));
                        _desiredStatus = opened;
                        break;
                    case MonitorCommand.UpdateIncident update:
                        var changed = SeverityModule.toCode(update.Item.Severity);
                        _incidentWrites.Enqueue(new PendingIncidentWrite.Update(
                            OptionToNullable(update.Item.IncidentId), update.Item.Title, update.Item.Message, changed, update.Item.Visible));
                        _desiredStatus = changed;
                        break;
                    case MonitorCommand.ResolveIncident resolve:
                        _incidentWrites.Enqueue(new PendingIncidentWrite.Resolve(
                            OptionToNullable(resolve.Item.IncidentId), resolve.Item.Title, resolve.Item.Visible));
                        _desiredStatus = ComponentStatusModule.toCode(ComponentStatus.Operational);
                        break;
                    case MonitorCommand.PushMetric metric when endpoint.MetricIdOrNull is not null:
                        if (_metricPoints.Count >= options.MaxPendingMetricPoints)
                        {
                            _metricPoints.Dequeue();
                            _droppedPoints++;
                            logger.LogWarning("Dropped the oldest unsent metric point: {Pending} are waiting for Cachet", options.MaxPendingMetricPoints);
                        }
                        _metricPoints.Enqueue(new PendingMetricPoint(metric.value, checkStartedUnixSeconds));
                        break;
                }
            }
        }
        Kick();
    }

    private static int? OptionToNullable(Microsoft.FSharp.Core.FSharpOption<int>? option) =>
        option is null ? null : option.Value;

    /// <summary>Starts a drain unless one is running.</summary>
    public void Kick()
    {
        lock (_lock)
        {
            if (_draining || !_ready || _disabled)
            {
                return;
            }
            _draining = true;
            _drain = Task.Run(() => DrainAsync(gate.Stopping));
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

    private async Task DrainAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await ApplyNextAsync(ct).ConfigureAwait(false))
                {
                    lock (_lock)
                    {
                        if (!HasWorkLocked())
                        {
                            _draining = false;
                            return;
                        }
                    }
                }
                failures = 0;
            }
            // A malformed success answer (a proxy's page, a truncated body) may hide a write that was applied: retry;
            // a retried create first looks for the incident it may have made.
            catch (CachetApiException e) when (e.IsTransient || e.Kind is CachetApiErrorKind.Unauthorized or CachetApiErrorKind.MalformedResponse)
            {
                failures++;
                var delay = Backoff.Delay(failures, options, e.RetryAfter);
                if (e.Kind == CachetApiErrorKind.Unauthorized)
                {
                    logger.LogError("Cachet rejected the API token; writes for this endpoint wait and retry in {Delay:0.#} s", delay.TotalSeconds);
                }
                else
                {
                    logger.LogWarning("Cachet write failed ({Reason}); retry {Attempt} in {Delay:0.#} s", e.Message, failures, delay.TotalSeconds);
                }
                try
                {
                    await Task.Delay(delay, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            catch (CachetApiException e)
            {
                // Not retryable (400, 404): give up on this one write, keep the rest.
                logger.LogError("Cachet refused a write, dropping it: {Reason}", e.Message);
                DropHead();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }
        lock (_lock)
        {
            _draining = false;
        }
    }

    private bool HasWorkLocked() =>
        _incidentWrites.Count > 0 || _metricPoints.Count > 0 || (_desiredStatus is not null && _desiredStatus != _acknowledgedStatus);

    /// <summary>
    /// Drops the write that just failed permanently: exactly the one attempted, whatever was queued meanwhile (a
    /// newer status stays wanted, an incident write queued behind it stays queued, a newer point stays).
    /// </summary>
    private void DropHead()
    {
        lock (_lock)
        {
            _dropAttempted?.Invoke();
            _dropAttempted = null;
        }
    }

    /// <summary>Forgets the write in flight; set under the lock when it starts, called under the lock.</summary>
    private Action? _dropAttempted;

    /// <summary>Applies one pending write; false when there was nothing to do.</summary>
    private async Task<bool> ApplyNextAsync(CancellationToken ct)
    {
        PendingIncidentWrite? incidentWrite;
        int? status = null;
        PendingMetricPoint? point = null;
        int? knownIncident;
        long droppedPoints;
        lock (_lock)
        {
            droppedPoints = _droppedPoints;
            _incidentWrites.TryPeek(out incidentWrite);
            knownIncident = _incidentId;
            if (incidentWrite is null)
            {
                if (_desiredStatus is not null && _desiredStatus != _acknowledgedStatus)
                {
                    status = _desiredStatus;
                }
                else if (_metricPoints.TryPeek(out var next))
                {
                    point = next;
                }
            }
            _dropAttempted = DropOf(incidentWrite, status, droppedPoints);
        }

        if (incidentWrite is not null)
        {
            await ApplyIncidentWriteAsync(incidentWrite, knownIncident, ct).ConfigureAwait(false);
            lock (_lock)
            {
                _incidentWrites.Dequeue();
            }
            return true;
        }
        if (status is { } wanted)
        {
            try
            {
                await gate.RunAsync(c => cachet.SetComponentStatusAsync(endpoint.ComponentId, wanted, c), ct).ConfigureAwait(false);
            }
            catch (CachetApiException e) when (e.IsTransient || e.Kind == CachetApiErrorKind.MalformedResponse)
            {
                // The write may have taken effect before its answer was lost or garbled: what Cachet shows is unknown now, so
                // the wanted status is written again even if it returns to the one acknowledged before.
                lock (_lock)
                {
                    _acknowledgedStatus = null;
                }
                throw;
            }
            logger.Log(Written, "Cachet: component {ComponentId} status set to {Status}", endpoint.ComponentId, wanted);
            lock (_lock)
            {
                _acknowledgedStatus = wanted;
            }
            return true;
        }
        if (point is { } p && endpoint.MetricIdOrNull is { } metricId)
        {
            await gate.RunAsync(c => cachet.PushMetricPointAsync(metricId, p.Value, p.UnixSeconds, c), ct).ConfigureAwait(false);
            logger.LogDebug("Cachet: metric {MetricId} point {Value} at {Timestamp}", metricId, p.Value, p.UnixSeconds);
            lock (_lock)
            {
                // Overflow drops the oldest point, the one just sent: then the head is a newer point, not yet sent.
                if (_droppedPoints == droppedPoints)
                {
                    _metricPoints.TryDequeue(out _);
                }
            }
            return true;
        }
        return false;
    }

    /// <summary>How to drop the write about to be attempted should Cachet refuse it for good (called under the lock).</summary>
    private Action DropOf(PendingIncidentWrite? incidentWrite, int? status, long droppedPoints)
    {
        if (incidentWrite is not null)
        {
            // Only the drain dequeues incident writes, so the head is still this one.
            return () =>
            {
                if (_incidentWrites.TryPeek(out var head) && ReferenceEquals(head, incidentWrite))
                {
                    _incidentWrites.Dequeue();
                }
            };
        }
        if (status is { } refused)
        {
            // Acknowledge the refused value only: a status wanted since then is still written.
            return () => _acknowledgedStatus = refused;
        }
        // An overflow since the attempt dropped the point attempted (the oldest): the head is then a newer one.
        return () =>
        {
            if (_droppedPoints == droppedPoints)
            {
                _metricPoints.TryDequeue(out _);
            }
        };
    }

    private async Task ApplyIncidentWriteAsync(PendingIncidentWrite write, int? knownIncident, CancellationToken ct)
    {
        switch (write)
        {
            case PendingIncidentWrite.Open open:
                if (write.Attempted)
                {
                    // An earlier attempt may have been created before its answer was lost: adopt it, don't duplicate.
                    var existing = await gate.RunAsync(c => cachet.FindOpenIncidentAsync(endpoint.ComponentId, c), ct).ConfigureAwait(false);
                    if (existing is not null)
                    {
                        SetIncident(existing.Id, open.ComponentStatus);
                        logger.Log(Written, "Cachet: adopted incident {IncidentId} created by an earlier attempt", existing.Id);
                        return;
                    }
                }
                write.Attempted = true;
                var id = await gate.RunAsync(
                    c => cachet.CreateIncidentAsync(open.Title, open.Message, endpoint.ComponentId, open.ComponentStatus, open.Visible, c), ct).ConfigureAwait(false);
                SetIncident(id, open.ComponentStatus);
                logger.Log(Written, "Cachet: opened incident {IncidentId} \"{Title}\"", id, open.Title);
                return;
            case PendingIncidentWrite.Update update:
                if ((update.IncidentId ?? knownIncident) is not { } updating)
                {
                    logger.LogWarning("No open incident to update in Cachet; the status is still applied");
                    return;
                }
                await gate.RunAsync(
                    c => cachet.UpdateIncidentAsync(updating, update.Title, update.Message, endpoint.ComponentId, update.ComponentStatus, update.Visible, c), ct).ConfigureAwait(false);
                logger.Log(Written, "Cachet: incident {IncidentId} updated to \"{Title}\"", updating, update.Title);
                return;
            case PendingIncidentWrite.Resolve resolve:
                if ((resolve.IncidentId ?? knownIncident) is not { } resolving)
                {
                    logger.LogWarning("No open incident to resolve in Cachet");
                    return;
                }
                var found = await gate.RunAsync(c => cachet.ResolveIncidentAsync(resolving, resolve.Title, resolve.Visible, c), ct).ConfigureAwait(false);
                lock (_lock)
                {
                    if (_incidentId == resolving)
                    {
                        _incidentId = null;
                    }
                }
                if (found)
                {
                    logger.Log(Written, "Cachet: incident {IncidentId} resolved", resolving);
                }
                else
                {
                    logger.LogWarning("Cachet: incident {IncidentId} no longer exists; forgotten", resolving);
                }
                return;
        }
    }

    private void SetIncident(int id, int componentStatus)
    {
        lock (_lock)
        {
            _incidentId = id;
            // Creating an incident with component_status sets the component in Cachet.
            _acknowledgedStatus = componentStatus;
        }
    }
}
