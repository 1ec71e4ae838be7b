using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Sync;
using CachetMonitor.Host.Observability;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// One endpoint on the schedule: hands each check's verdict to its component (which decides) and counts it.
/// Once hot reload retires it, a check still in flight is dropped rather than reported. The all-failing heuristic
/// hears each verdict first, so a hold it begins applies to the check that began it.
/// </summary>
public sealed class EndpointMonitor(Endpoint endpoint, ComponentSync component, EndpointMetrics? metrics = null, FailureSurgeGuard? surge = null)
{
    private volatile bool _retired;

    public Endpoint Endpoint => endpoint;

    public ComponentSync Component => component;

    /// <summary>True once hot reload removed or replaced this endpoint: the scheduler stops checking it.</summary>
    public bool Retired => _retired;

    /// <summary>Stops scheduling this monitor and drops what its checks in flight would report.</summary>
    public void Retire() => _retired = true;

    /// <summary>Records what one check observed beyond its verdict (the certificate's days left).</summary>
    public void Observed(Observation observation)
    {
        if (!_retired)
        {
            metrics?.Observed(observation);
        }
    }

    /// <summary>
    /// Feeds the number a check read for the endpoint's <c>metric_value</c> to the component (which pushes it),
    /// or counts why none was read: then no point is pushed for the check. Returns why, or null.
    /// </summary>
    public string? OnMetricValue(Observation observation, long checkStartedUnixSeconds)
    {
        if (_retired)
        {
            return null;
        }
        var reading = HostInterop.ReadMetricValue(endpoint, observation);
        if (reading.Value is { } value)
        {
            component.OnMeasured(endpoint.Name, value, checkStartedUnixSeconds);
        }
        else if (reading.Error is not null)
        {
            metrics?.MetricValueFailed();
        }
        return reading.Error;
    }

    /// <summary>Feeds one check's verdict to the component.</summary>
    public void OnVerdict(Verdict verdict, long checkStartedUnixSeconds)
    {
        if (_retired)
        {
            return;
        }
        metrics?.Checked(verdict);
        surge?.OnChecked(endpoint.Name, verdict, checkStartedUnixSeconds);
        component.OnChecked(endpoint.Name, verdict, checkStartedUnixSeconds);
    }
}
