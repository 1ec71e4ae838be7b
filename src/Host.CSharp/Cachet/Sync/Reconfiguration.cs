namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>What a reload did to the monitored components (<see cref="ComponentSet.Reconfigure"/>).</summary>
/// <param name="ToAdopt">Components whose Cachet state must be read: new ones, and every one when the Cachet instance changed.</param>
/// <param name="Retired">How many components are no longer monitored (each finishes its writes first).</param>
public sealed record Reconfiguration(IReadOnlyList<Adoption> ToAdopt, int Retired);

/// <summary>A component whose Cachet state must be read, once <paramref name="After"/> has completed.</summary>
/// <param name="Component">The component.</param>
/// <param name="After">
/// The last write of an earlier sync of the same component (one that was retiring when the component came back in the
/// config): Cachet is read once it has landed, so that only one sync writes the component. Completed when there is none.
/// </param>
public sealed record Adoption(ComponentSync Component, Task After);
