using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// Whether a config's metric points fit the rate budget, in the arithmetic docs/cachet-3.md documents: each endpoint
/// that pushes metrics asks for 60 / <c>frequency</c> points a minute; points may use the budget less a sixteenth kept
/// for incident, status and read calls. When they ask for more, each metric's points are averaged: a metric gets about
/// one point every <c>metrics × 60 / (budget × 15/16)</c> seconds.
/// </summary>
public static class RateBudgetPlan
{
    /// <summary>Metric points a minute the endpoints ask for.</summary>
    public static double PointsPerMinute(IEnumerable<Endpoint> endpoints) =>
        endpoints.Where(PushesPoints).Sum(e => 60.0 / e.FrequencySeconds);

    /// <summary>The warning to log when the points do not fit <paramref name="perMinute"/>, else null.</summary>
    public static string? Warning(IReadOnlyCollection<Endpoint> endpoints, int perMinute)
    {
        var asked = PointsPerMinute(endpoints);
        var forPoints = perMinute - Math.Max(1, perMinute / 16);
        if (asked <= forPoints)
        {
            return null;
        }
        var metrics = endpoints.Where(PushesPoints).Select(e => e.MetricIdOrNull).Distinct().Count();
        var every = metrics * 60.0 / Math.Max(forPoints, 1);
        return $"the config's metrics ask for about {asked:0} points a minute, more than the {forPoints} a minute "
            + $"cachet.rate_limit_per_minute ({perMinute}) leaves after its reserve for incidents and statuses: each "
            + $"metric's points are averaged, about one point every {every:0.#} s per metric ({metrics} metric(s)). Raise "
            + "Cachet's CACHET_API_RATE_LIMIT and this key together, or check less often";
    }

    private static bool PushesPoints(Endpoint e) => e.Has(MonitorAction.PushMetrics) && e.MetricIdOrNull is not null;
}
