namespace CachetMonitor.Host.Cachet.Api;

/// <summary>A Cachet component as the monitor needs it.</summary>
/// <param name="Id">The component id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Status">The component status code (0–4).</param>
/// <param name="Enabled">Whether the component is enabled (shown on the status page).</param>
/// <param name="Link">The component's link (empty when it has none).</param>
public sealed record CachetComponent(ComponentId Id, string Name, int Status, bool Enabled, string Link);
