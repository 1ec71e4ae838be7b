namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>What the component write loops count for <c>/metrics</c>: points dropped on overflow and unexpected errors.</summary>
public sealed class SyncCounters
{
    private long _droppedPoints;
    private long _loopFailures;
    private long _coalescedPoints;
    private long _lastDropLog;

    public long DroppedMetricPoints => Interlocked.Read(ref _droppedPoints);

    public long WriteLoopFailures => Interlocked.Read(ref _loopFailures);

    public void MetricPointDropped() => Interlocked.Increment(ref _droppedPoints);

    /// <summary>Metric points folded into an average because the rate budget held them back (Cachet 3).</summary>
    public long CoalescedMetricPoints => Interlocked.Read(ref _coalescedPoints);

    public void MetricPointsCoalesced(int count) => Interlocked.Add(ref _coalescedPoints, count);

    public void WriteLoopFailed() => Interlocked.Increment(ref _loopFailures);

    /// <summary>At most one overflow log line every 10 s, whatever the rate of drops (they are all counted).</summary>
    public bool ShouldLogDrop()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLog);
        return now - last >= 10_000 && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last;
    }
}
