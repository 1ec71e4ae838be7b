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
    /// The shortest wait the loop makes. A Delay shorter than a timer tick (~1 ms) completes at once, so with
    /// slots microseconds apart the loop would spin; and each wake-up costs thread switches, so waking every
    /// 5 ms and dispatching the slots due meanwhile together cut the CPU per check by about a tenth at 10,000
    /// endpoints (docs/benchmarks.md). A check therefore starts up to 5 ms after its slot.
    /// </summary>
    internal static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest the loop sleeps, so that it looks for added endpoints and heartbeats at least this often.</summary>
    private static readonly TimeSpan MaximumWait = TimeSpan.FromSeconds(1);

    /// <summary>One endpoint's place in the schedule; its period is in monotonic timestamp units.</summary>
    private sealed class Slot(EndpointMonitor monitor, long periodTicks)
    {
        public EndpointMonitor Monitor { get; } = monitor;
        public ProbeRequest Probe { get; } = ProbeRequest.For(monitor.Endpoint);
        public CheckTimeout? Timeout;
        public long PeriodTicks { get; } = periodTicks;
        public int Running;
        /// <summary>The transport error last logged for this endpoint: each new one is logged once.</summary>
        public string? LastUnreachable;
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
            var wait = queue.TryPeek(out _, out var due) ? time.GetElapsedTime(time.GetTimestamp(), due) : MaximumWait;
            if (wait > TimeSpan.Zero)
            {
                // Never less than MinimumWait: the slots that come due meanwhile are dispatched together.
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
            var now = time.GetTimestamp();
            while (queue.TryPeek(out var slot, out var slotDue) && slotDue <= now)
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
            queue.Enqueue(new Slot(monitors[i], period), start + offset);
        }
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

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Passed passed => $"passed in {passed.latencySeconds:0.####} s",
        Verdict.Failed failed => $"failed ({SeverityModule.name(failed.Item.Severity)}): {failed.Item.Message}",
        _ => "unknown",
    };
}
