namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// The monitor's own budget of Cachet calls per minute (Cachet 3 answers 429 beyond 300 a minute per user, counted
/// in fixed minutes): a token bucket refilled at <c>perMinute</c> a minute that holds at most a quarter of that, so no
/// 60-second span sees more than 1.25 × <c>perMinute</c> calls (300 for the default 240). Every call takes a token; a
/// metric point may not take one of the last quarter of the bucket (the reserve), so incident and status writes and
/// reads never wait behind points. Inactive (no limit) until <see cref="Activate"/>: Cachet 2.x has no limit.
/// <paramref name="delay"/> (how a wait is made, by default <c>Task.Delay</c> on <paramref name="time"/>) is a seam for
/// the deterministic simulation: a cancelled <c>Task.Delay</c> resumes its awaiter on the thread pool.
/// </summary>
public sealed class CachetRateBudget(int perMinute, TimeProvider time, Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? ((wait, ct) => Task.Delay(wait, time, ct));
    private readonly object _lock = new();
    private readonly double _capacity = Math.Max(2, perMinute / 4);
    private readonly double _reserve = Math.Max(1, perMinute / 16);
    private double _tokens = Math.Max(2, perMinute / 4);
    // Monotonic: a wall clock stepped back would stop the refill (every Cachet call waiting) until it caught up.
    private long _refilled = time.GetTimestamp();
    private volatile bool _active;
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    /// <summary>Calls per minute at most.</summary>
    public int PerMinute => perMinute;

    /// <summary>Calls the bucket holds at most (a quarter of a minute's).</summary>
    public int Capacity => (int)_capacity;

    /// <summary>The tokens metric points leave for incident, status and read calls.</summary>
    public int Reserve => (int)_reserve;

    /// <summary>Whether the budget is enforced.</summary>
    public bool Active => _active;

    /// <summary>Starts enforcing the budget (once the instance is known to be Cachet 3, or when configured).</summary>
    public void Activate() => _active = true;

    /// <summary>
    /// Whether metric points are being held back: fewer tokens than the reserve, so points wait and are averaged.
    /// </summary>
    public bool Short
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _active && _tokens < _reserve + 1;
            }
        }
    }

    /// <summary>Waits until the call may be made and takes its token; a metric point leaves the reserve alone.</summary>
    public async Task TakeAsync(bool metricPoint, CancellationToken ct)
    {
        while (_active)
        {
            TimeSpan wait;
            lock (_lock)
            {
                Refill();
                var floor = metricPoint ? _reserve : 0;
                if (_tokens >= floor + 1)
                {
                    _tokens -= 1;
                    return;
                }
                // At least a millisecond: a wait that rounds to nothing would spin while the clock stands still.
                wait = TimeSpan.FromSeconds((floor + 1 - _tokens) * 60.0 / perMinute);
                if (wait < MinimumWait)
                {
                    wait = MinimumWait;
                }
            }
            await _delay(wait, ct).ConfigureAwait(false);
        }
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_refilled, now).TotalSeconds;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_capacity, _tokens + (elapsed * perMinute / 60.0));
            _refilled = now;
        }
    }
}
