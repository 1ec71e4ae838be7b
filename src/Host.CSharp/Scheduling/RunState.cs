namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// Whether start-up reads are done, why the daemon failed if it did (for readiness and exit code), and why it is
/// offline while the connectivity guard finds the monitor's own network down (or the all-failing heuristic holds).
/// </summary>
public sealed class RunState
{
    private volatile bool _ready;
    private volatile string? _failure;
    private volatile string? _offline;
    private volatile string? _held;

    /// <summary>
    /// Why the monitor holds its writes back — its own network is down (the connectivity guard), or nearly every
    /// endpoint failed at once (the all-failing heuristic) — or null while it writes.
    /// </summary>
    public string? Offline => _offline ?? _held;

    /// <summary>Sets (or, with null, clears) the connectivity guard's offline reason; true when that changed it.</summary>
    public bool SetOffline(string? reason) => !string.Equals(Interlocked.Exchange(ref _offline, reason), reason, StringComparison.Ordinal);

    /// <summary>Why the all-failing heuristic holds writes, or null.</summary>
    public string? Held => _held;

    /// <summary>Sets (or, with null, clears) the all-failing hold's reason; true when that changed it.</summary>
    public bool SetHeld(string? reason) => !string.Equals(Interlocked.Exchange(ref _held, reason), reason, StringComparison.Ordinal);

    public bool Ready => _ready;

    public string? Failure => _failure;

    public void MarkReady() => _ready = true;

    public void Fail(string reason) => _failure = reason;
}
