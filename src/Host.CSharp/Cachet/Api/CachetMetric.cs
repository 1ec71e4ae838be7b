namespace CachetMonitor.Host.Cachet.Api;

/// <summary>A Cachet metric as the monitor needs it.</summary>
/// <param name="Id">The metric id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Suffix">The unit suffix shown by Cachet.</param>
/// <param name="Threshold">Minutes within which equal values are merged into one point (Cachet default 5).</param>
public sealed record CachetMetric(MetricId Id, string Name, string Suffix, int Threshold);
