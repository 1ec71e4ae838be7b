namespace CachetMonitor.Host.Probing;

/// <summary>
/// The time-out of one endpoint's checks, reused from check to check (the scheduler never overlaps them), so a
/// check allocates no CancellationTokenSource, linked source or timer of its own. Shutdown cancels the check
/// in flight through one registration on the stopping token.
/// </summary>
public sealed class CheckTimeout : IDisposable
{
    private readonly object _lock = new();
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenRegistration _onStopping;
    private CancellationTokenSource _source = new();

    public CheckTimeout(CancellationToken stopping)
    {
        _stopping = stopping;
        _onStopping = stopping.UnsafeRegister(static self => ((CheckTimeout)self!).CancelCurrent(), this);
    }

    /// <summary>Arms the time-out for a check starting now; the token is cancelled after <paramref name="after"/> or at shutdown.</summary>
    public CancellationToken Start(TimeSpan after)
    {
        lock (_lock)
        {
            if (!_source.TryReset())
            {
                // The last check timed out (or shutdown began): a cancelled source cannot be reused.
                _source.Dispose();
                _source = new CancellationTokenSource();
            }
            if (_stopping.IsCancellationRequested)
            {
                _source.Cancel();
            }
            else
            {
                _source.CancelAfter(after);
            }
            return _source.Token;
        }
    }

    /// <summary>Disarms the time-out once the check is over.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            _source.TryReset();
        }
    }

    private void CancelCurrent()
    {
        CancellationTokenSource current;
        lock (_lock)
        {
            current = _source;
        }
        try
        {
            current.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Replaced and disposed meanwhile: that check is over.
        }
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        lock (_lock)
        {
            _source.Dispose();
        }
    }
}
