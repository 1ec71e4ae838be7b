namespace CachetMonitor.Host.Scheduling;

/// <summary>Whether start-up reads are done, and why the daemon failed if it did (for readiness and exit code).</summary>
public sealed class RunState
{
    private volatile bool _ready;
    private volatile string? _failure;

    public bool Ready => _ready;

    public string? Failure => _failure;

    public void MarkReady() => _ready = true;

    public void Fail(string reason) => _failure = reason;
}
