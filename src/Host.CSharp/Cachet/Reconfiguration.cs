namespace CachetMonitor.Host.Cachet;

/// <summary>What a reload did to the monitored components (<see cref="ComponentSet.Reconfigure"/>).</summary>
/// <param name="ToAdopt">Components whose Cachet state must be read: new ones, and every one when the Cachet instance changed.</param>
/// <param name="Retired">How many components are no longer monitored (each finishes its writes first).</param>
public sealed record Reconfiguration(IReadOnlyList<ComponentSync> ToAdopt, int Retired);
