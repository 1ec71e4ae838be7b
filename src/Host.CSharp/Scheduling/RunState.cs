namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// Whether start-up reads are done, why the daemon failed if it did (for readiness and exit code), and why it is
/// offline while the connectivity guard finds the monitor's own network down.
/// </summary>
public sealed class RunState
{
    private volatile bool _ready;
    private volatile string? _failure;
    private volatile string? _offline;

    /// <summary>Why the monitor holds its writes back (its own network is down), or null while it is online.</summary>
    public string? Offline => _offline;

    /// <summary>Sets (or, with null, clears) the offline reason; true when that changed it.</summary>
    public bool SetOffline(string? reason) => !string.Equals(Interlocked.Exchange(ref _offline, reason), reason, StringComparison.Ordinal);

    public bool Ready => _ready;

    public string? Failure => _failure;

    public void MarkReady() => _ready = true;

    public void Fail(string reason) => _failure = reason;
}
