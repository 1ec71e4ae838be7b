using CachetMonitor.Host.Cachet.Api;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// Bounds the Cachet calls in flight across all endpoints, keeps them within the rate budget (when there is one:
/// metric points only from what the reserve leaves), and carries the shutdown signal for writes.
/// </summary>
public sealed class CachetWriteGate(CachetWriteOptions options, CachetRateBudget? budget = null) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentCalls, options.MaxConcurrentCalls);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when in-flight writes must give up (after the shutdown grace period).</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The rate budget, if any.</summary>
    public CachetRateBudget? Budget => budget;

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) => RunAsync(call, false, ct);

    /// <summary>
    /// A metric point: waits for budget beyond the reserve kept for incident, status and read calls. Cancelling
    /// <paramref name="waiting"/> gives up the wait only (an incident write came and goes first); <paramref name="ct"/>
    /// cancels the call too.
    /// </summary>
    public async Task RunMetricAsync(Func<CancellationToken, Task> call, CancellationToken waiting, CancellationToken ct)
    {
        if (budget is not null)
            await budget.TakeAsync(true, waiting).ConfigureAwait(false);
        await RunAsync(async c =>
        {
            await call(c).ConfigureAwait(false);
            return true;
        }, null, ct).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, bool? metricPoint, CancellationToken ct)
    {
        if (budget is not null && metricPoint is { } point)
            await budget.TakeAsync(point, ct).ConfigureAwait(false);
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
