namespace CachetMonitor.Host.Scheduling;

/// <summary>Counters the scheduler keeps for health checks, metrics and benchmarks.</summary>
public sealed class CheckStatistics
{
    private long _checks;
    private long _failures;
    private long _skipped;
    private long _heartbeatTimestamp;
    private long _waits;

    public long Checks => Interlocked.Read(ref _checks);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Slots skipped because the previous check was still running or the loop fell behind.</summary>
    public long SkippedSlots => Interlocked.Read(ref _skipped);

    /// <summary>How often the scheduler loop went to sleep (it must not spin: at most about once a millisecond).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>
    /// How long ago the scheduler loop last ran, on the monotonic clock (a wall clock step is no silence); zero before
    /// its first beat (the daemon is starting, which <c>/readyz</c> reports).
    /// </summary>
    public TimeSpan SilentFor(TimeProvider time) =>
        Interlocked.Read(ref _heartbeatTimestamp) is var last && last == 0 ? TimeSpan.Zero : time.GetElapsedTime(last);

    public void Checked(bool passed)
    {
        Interlocked.Increment(ref _checks);
        if (!passed)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    public void Skipped(long count = 1) => Interlocked.Add(ref _skipped, count);

    public void Waited() => Interlocked.Increment(ref _waits);

    /// <summary>The loop runs now; <paramref name="timestamp"/> is from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public void Heartbeat(long timestamp) => Interlocked.Exchange(ref _heartbeatTimestamp, timestamp);
}
