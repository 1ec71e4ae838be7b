using CachetMonitor.Domain;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// The all-failing heuristic (<c>connectivity.all_failing_threshold</c>): feeds every check's outcome to the core's
/// <c>FailureSurge</c>, which decides; while it holds, the monitor writes nothing as if offline (<see cref="RunState.Held"/>)
/// and <see cref="Changed"/> tells the quiet times at once, before the check that began the hold is decided.
/// </summary>
public sealed class FailureSurgeGuard(RunState runState, ILogger<FailureSurgeGuard> logger)
{
    private readonly object _lock = new();
    private FailureSurge? _surge;

    /// <summary>Raised (outside the lock) when the hold begins or ends.</summary>
    public event Action? Changed;

    /// <summary>The running config's threshold and endpoints (a reload starts afresh, and ends a hold).</summary>
    public void SetConfig(Config config)
    {
        lock (_lock)
        {
            _surge = config.Connectivity?.Value.AllFailingThreshold?.Value is { } threshold
                ? FailureSurgeModule.start(threshold, config.Endpoints.Select(e => e.Name))
                : null;
        }
        if (runState.SetHeld(null))
        {
            logger.LogInformation("All-failing hold ended by a reload: writes go on");
            Changed?.Invoke();
        }
    }

    /// <summary>One check's outcome.</summary>
    public void OnChecked(string endpoint, Verdict verdict, long unixSeconds)
    {
        SurgeChange? change;
        lock (_lock)
        {
            if (_surge is null)
            {
                return;
            }
            var (next, decided) = FailureSurgeModule.observe(endpoint, verdict.IsFailed, unixSeconds, _surge).ToValueTuple();
            _surge = next;
            change = decided?.Value;
            switch (change)
            {
                case SurgeChange.HoldBegins begins:
                    runState.SetHeld($"{begins.failing} of {begins.total} endpoints failed within a minute (all_failing_threshold): writes held for one more round of checks");
                    break;
                case SurgeChange.HoldEnds:
                    runState.SetHeld(null);
                    break;
            }
        }
        switch (change)
        {
            case SurgeChange.HoldBegins begins:
                logger.LogWarning(
                    "{Failing} of {Total} endpoints failed within a minute (connectivity.all_failing_threshold): status and incident writes are held for one more round of checks",
                    begins.failing, begins.total);
                Changed?.Invoke();
                break;
            case SurgeChange.HoldEnds ends:
                logger.LogInformation(
                    ends.believed
                        ? "The endpoints still fail after one more round: the failures are believed and written"
                        : "The endpoints recovered within one round: the all-failing hold ends, their current state is written");
                Changed?.Invoke();
                break;
        }
    }
}
