namespace CachetMonitor.Host.Configuration;

/// <summary>
/// The machine's time zones by IANA name, for a maintenance window's <c>timezone</c>: the core reads no machine data,
/// so the host hands it this lookup.
/// </summary>
public static class SystemTimeZones
{
    /// <summary>The zone with this id, or null when the machine has none by that name.</summary>
    public static TimeZoneInfo? Find(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
