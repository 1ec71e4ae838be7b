namespace CachetMonitor.Host.Cachet;

/// <summary>Bounds the Cachet calls in flight across all endpoints and carries the shutdown signal for writes.</summary>
public sealed class CachetWriteGate(CachetWriteOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentCalls, options.MaxConcurrentCalls);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when in-flight writes must give up (after the shutdown grace period).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await call(ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken ct) =>
        RunAsync(async c =>
        {
            await call(c).ConfigureAwait(false);
            return true;
        }, ct);

    public void Stop() => _stopping.Cancel();

    public void Dispose()
    {
        _slots.Dispose();
        _stopping.Dispose();
    }
}
