namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>How Cachet writes are paced and retried.</summary>
public sealed record CachetWriteOptions
{
    /// <summary>Cachet calls in flight at once, across all endpoints.</summary>
    public int MaxConcurrentCalls { get; init; } = 8;

    /// <summary>The first retry delay; it doubles per failure, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often Cachet's statuses and unresolved incidents are re-read (people's edits, foreign incidents).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Metric points kept per metric while Cachet is slower than the checks or away (five minutes of a 1 s check); the
    /// oldest are dropped beyond it, counted in <c>cachet_monitor_metric_points_dropped_total</c>.
    /// </summary>
    public int MaxPendingMetricPoints { get; init; } = 300;

    /// <summary>
    /// How long in-flight writes may finish at shutdown; short enough that SIGTERM/SIGINT end the process within 5 s
    /// even when a write hangs (what is left is adopted at the next start).
    /// </summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Writes go to the dry-run stand-in, which logs each one as "[dry run] would …"; the sync then logs what it
    /// "did" at Debug only, so that no line reads as if Cachet had been written.
    /// </summary>
    public bool DryRun { get; init; }
}
