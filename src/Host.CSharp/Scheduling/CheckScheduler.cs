using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// One loop schedules every endpoint at a fixed rate (no drift): the first checks are spread over the first
/// interval, a check that is still running when its next slot comes skips that slot instead of overlapping,
/// and slots missed while the machine was busy are skipped rather than run in a burst. Slots are on the
/// monotonic clock (<see cref="TimeProvider.GetTimestamp"/>): a wall clock stepped back or forward (NTP, a
/// suspended VM, an operator) neither stops the checks nor bunches them; wall time only stamps metric points.
/// </summary>
public sealed class CheckScheduler(
    MonitorSet monitorSet,
    Probers prober,
    CheckStatistics statistics,
    TimeProvider time,
    ILogger<CheckScheduler> logger) : BackgroundService
{
    /// <summary>
    /// How early a slot may be dispatched when the loop is awake anyway: each wake-up costs a timer-thread and a
    /// pool-thread hand-off, which at a few hundred checks a second was most of the CPU per check; dispatching the
    /// slots due within the next 20 ms together makes one wake-up serve several checks (docs/benchmarks.md). A
    /// check never starts late for it, and its interval stays its period (the same slots group every period). A
    /// slot's window is at most a quarter of its period, so a fast endpoint is not dispatched twice in a round.
    /// </summary>
    internal static readonly TimeSpan DispatchWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The shortest window and so the shortest sleep. A Delay shorter than a timer tick (~1 ms) completes at once,
    /// so with slots microseconds apart the loop would spin.
    /// </summary>
    internal static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest the loop sleeps, so that it looks for added endpoints and heartbeats at least this often.</summary>
    private static readonly TimeSpan MaximumWait = TimeSpan.FromSeconds(1);

    /// <summary>One endpoint's place in the schedule; its period is in monotonic timestamp units.</summary>
    private sealed class Slot(EndpointMonitor monitor, long periodTicks, long windowTicks)
    {
        public EndpointMonitor Monitor { get; } = monitor;
        public ProbeRequest Probe { get; } = ProbeRequest.For(monitor.Endpoint);
        public CheckTimeout? Timeout;
        public long PeriodTicks { get; } = periodTicks;
        /// <summary>How early this slot may be dispatched (see <see cref="DispatchWindow"/>), in timestamp units.</summary>
        public long WindowTicks { get; } = windowTicks;
        public int Running;
        /// <summary>The transport error last logged for this endpoint: each new one is logged once.</summary>
        public string? LastUnreachable;
        /// <summary>Why the metric_value was last not read: each new reason is logged once.</summary>
        public string? LastMetricValueError;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var monitors = monitorSet.Current;
        statistics.Heartbeat(time.GetTimestamp());
        await ProbeWarmUp.RunAsync(prober.Http, monitors.Select(m => m.Endpoint), logger, stoppingToken).ConfigureAwait(false);
        var queue = new PriorityQueue<Slot, long>(monitors.Count);
        Enqueue(queue, monitors, time.GetTimestamp());
        logger.LogInformation("Monitoring {Count} endpoint(s)", monitors.Count);

        while (!stoppingToken.IsCancellationRequested)
        {
            statistics.Heartbeat(time.GetTimestamp());
            TakeAdded(queue);
            var now = time.GetTimestamp();
            if (!queue.TryPeek(out var first, out var firstDue) || firstDue - now > first.WindowTicks)
            {
                // Until the first slot is due: it is dispatched on time, and those due within the window with it.
                var wait = first is null ? MaximumWait : time.GetElapsedTime(now, firstDue);
                var delay = wait < MinimumWait ? MinimumWait : wait > MaximumWait ? MaximumWait : wait;
                try
                {
                    statistics.Waited();
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            while (queue.TryPeek(out var slot, out var slotDue) && slotDue - now <= slot.WindowTicks)
            {
                queue.Dequeue();
                if (slot.Monitor.Retired)
                {
                    if (Volatile.Read(ref slot.Running) == 0)
                    {
                        slot.Timeout?.Dispose();
                    }
                    continue;
                }
                if (Interlocked.CompareExchange(ref slot.Running, 1, 0) == 0)
                {
                    _ = RunCheckAsync(slot, stoppingToken);
                }
                else
                {
                    statistics.Skipped();
                }
                var next = slotDue + slot.PeriodTicks;
                if (next <= now)
                {
                    var missed = (now - next) / slot.PeriodTicks + 1;
                    statistics.Skipped(missed);
                    next += missed * slot.PeriodTicks;
                }
                queue.Enqueue(slot, next);
            }
        }
    }

    /// <summary>Queues monitors with their first checks spread evenly over each one's first interval.</summary>
    private void Enqueue(PriorityQueue<Slot, long> queue, IReadOnlyList<EndpointMonitor> monitors, long start)
    {
        for (var i = 0; i < monitors.Count; i++)
        {
            var period = Math.Max(1, (long)(monitors[i].Endpoint.FrequencySeconds * time.TimestampFrequency));
            var offset = (long)(period * ((double)i / monitors.Count));
            queue.Enqueue(new Slot(monitors[i], period, WindowFor(period)), start + offset);
        }
    }

    private long WindowFor(long periodTicks)
    {
        var window = Math.Min((long)(DispatchWindow.TotalSeconds * time.TimestampFrequency), periodTicks / 4);
        return Math.Max(window, (long)(MinimumWait.TotalSeconds * time.TimestampFrequency));
    }

    private void TakeAdded(PriorityQueue<Slot, long> queue)
    {
        List<EndpointMonitor>? added = null;
        while (monitorSet.TryTakeAdded(out var monitor))
        {
            (added ??= []).Add(monitor);
        }
        if (added is not null)
        {
            Enqueue(queue, added, time.GetTimestamp());
            logger.LogInformation("Scheduling {Count} added endpoint(s)", added.Count);
        }
    }

    private async Task RunCheckAsync(Slot slot, CancellationToken stoppingToken)
    {
        var endpoint = slot.Monitor.Endpoint;
        bool? passed = null;
        try
        {
            // Wall time: it only stamps the metric point.
            var started = time.GetUtcNow();
            slot.Timeout ??= new CheckTimeout(stoppingToken);
            var observation = await prober.ProbeAsync(slot.Probe, slot.Timeout, stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            var verdict = HostInterop.Evaluate(endpoint, observation);
            passed = verdict.IsPassed;
            slot.Monitor.Observed(observation);
            LogTransportError(slot, observation);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("{Endpoint}: {Verdict}", endpoint.Name, Describe(verdict));
            }
            slot.Monitor.OnVerdict(verdict, started.ToUnixTimeSeconds());
            if (endpoint.PushesMetricValue)
            {
                LogMetricValueError(slot, slot.Monitor.OnMetricValue(observation, started.ToUnixTimeSeconds()), observation);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A check never takes the scheduler down.
            logger.LogError(e, "Check of {Endpoint} failed unexpectedly", endpoint.Name);
        }
        finally
        {
            Volatile.Write(ref slot.Running, 0);
            // Counted once the check is over: whoever sees it counted sees the endpoint free for its next slot.
            if (passed is { } result)
            {
                statistics.Checked(result);
            }
            if (slot.Monitor.Retired)
            {
                // Dropped from the schedule (hot reload): nothing will check it again.
                slot.Timeout?.Dispose();
            }
        }
    }

    /// <summary>
    /// The reason a target could not be reached is for the operator: logged when it first appears or changes (the
    /// incident shows only the original's sentence).
    /// </summary>
    private void LogTransportError(Slot slot, Observation observation)
    {
        var error = observation is Observation.Unreachable unreachable ? unreachable.error : null;
        if (error is { Length: > 0 } && error != slot.LastUnreachable)
        {
            logger.LogWarning("{Endpoint} is unreachable: {Error}", slot.Monitor.Endpoint.Name, error);
        }
        slot.LastUnreachable = error;
    }

    /// <summary>
    /// A body that yields no metric_value pushes no point for its check; the reason is logged when it first appears
    /// or changes (a value read again ends the run), not at every check.
    /// </summary>
    private void LogMetricValueError(Slot slot, string? error, Observation observation)
    {
        if (error is not null && error != slot.LastMetricValueError)
        {
            logger.LogWarning("{Endpoint}: no metric point pushed, the metric_value was not read: {Error}", slot.Monitor.Endpoint.Name, error);
        }
        if (error is not null || observation.IsResponded)
        {
            slot.LastMetricValueError = error;
        }
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Passed passed => $"passed in {passed.latencySeconds:0.####} s",
        Verdict.Failed failed => $"failed ({SeverityModule.name(failed.Item.Severity)}): {failed.Item.Message}",
        _ => "unknown",
    };
}
