namespace CachetMonitor.Host.Cachet;

/// <summary>A Cachet incident as the monitor needs it.</summary>
/// <param name="Id">The incident id.</param>
/// <param name="Name">The title.</param>
/// <param name="Status">The incident status code (0–4; 4 is fixed).</param>
/// <param name="ComponentId">The linked component (0 when none).</param>
/// <param name="Visible">Whether the incident is public.</param>
/// <param name="Message">The incident message.</param>
/// <param name="MonitorTag">The value of the <c>cachet_monitor</c> meta row (this monitor's tag), or null.</param>
public sealed record CachetIncident(int Id, string Name, int Status, int ComponentId, bool Visible, string Message, string? MonitorTag = null);
