using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// One loop schedules every endpoint at a fixed rate (no drift): the first checks are spread over the first
/// interval, a check that is still running when its next slot comes skips that slot instead of overlapping,
/// and slots missed while the machine was busy are skipped rather than run in a burst.
/// </summary>
public sealed class CheckScheduler(
    MonitorSet monitorSet,
    HttpProber prober,
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

    private sealed class Slot(EndpointMonitor monitor, long periodTicks)
    {
        public EndpointMonitor Monitor { get; } = monitor;
        public ProbeRequest Probe { get; } = ProbeRequest.For(monitor.Endpoint);
        public CheckTimeout? Timeout;
        public long PeriodTicks { get; } = periodTicks;
        public int Running;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var monitors = monitorSet.Current;
        var queue = new PriorityQueue<Slot, long>(monitors.Count);
        Enqueue(queue, monitors, time.GetUtcNow().UtcTicks);
        logger.LogInformation("Monitoring {Count} endpoint(s)", monitors.Count);

        while (!stoppingToken.IsCancellationRequested)
        {
            statistics.Heartbeat(time.GetUtcNow());
            TakeAdded(queue);
            var due = queue.TryPeek(out _, out var first) ? first : long.MaxValue;
            var wait = due == long.MaxValue ? TimeSpan.FromSeconds(1).Ticks : due - time.GetUtcNow().UtcTicks;
            if (wait > 0)
            {
                // Never less than MinimumWait: the slots that come due meanwhile are dispatched together.
                var delay = Math.Clamp(wait, MinimumWait.Ticks, TimeSpan.FromSeconds(1).Ticks);
                try
                {
                    statistics.Waited();
                    await Task.Delay(TimeSpan.FromTicks(delay), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            var now = time.GetUtcNow().UtcTicks;
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
    private static void Enqueue(PriorityQueue<Slot, long> queue, IReadOnlyList<EndpointMonitor> monitors, long start)
    {
        for (var i = 0; i < monitors.Count; i++)
        {
            var period = Math.Max(1, TimeSpan.FromSeconds(monitors[i].Endpoint.FrequencySeconds).Ticks);
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
            Enqueue(queue, added, time.GetUtcNow().UtcTicks);
            logger.LogInformation("Scheduling {Count} added endpoint(s)", added.Count);
        }
    }

    private async Task RunCheckAsync(Slot slot, CancellationToken stoppingToken)
    {
        var endpoint = slot.Monitor.Endpoint;
        try
        {
            var started = time.GetUtcNow();
            slot.Timeout ??= new CheckTimeout(stoppingToken);
            var observation = await prober.ProbeAsync(slot.Probe, slot.Timeout, stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            var verdict = MonitorCore.Evaluate(endpoint, observation);
            statistics.Checked(verdict.IsPassed);
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
            if (slot.Monitor.Retired)
            {
                // Dropped from the schedule (hot reload): nothing will check it again.
                slot.Timeout?.Dispose();
            }
        }
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Passed passed => $"passed in {passed.latencySeconds:0.####} s",
        Verdict.Failed failed => $"failed ({SeverityModule.name(failed.Item.Severity)}): {failed.Item.Message}",
        _ => "unknown",
    };
}
