using System.Net;
using CachetMonitor.Domain;
using CachetMonitor.Host.Configuration;

namespace CachetMonitor.Host.Hosting;

/// <summary>What <c>run</c> hands the daemon's wiring (<see cref="MonitorServiceCollectionExtensions.AddCachetMonitor"/>).</summary>
/// <param name="Config">The validated config, already narrowed to this instance's shard.</param>
/// <param name="Token">The Cachet token; null when the daemon runs dry.</param>
/// <param name="Reload">Where hot reload reads the config again, and how it narrows it.</param>
/// <param name="Listen">The health and metrics listener's address; null: none.</param>
public sealed record MonitorRunOptions(Config Config, string? Token, ReloadTarget Reload, IPEndPoint? Listen)
{
    /// <summary>Writes go to the dry-run stand-in: <c>--dry-run</c>, or no token to write with.</summary>
    public bool DryRun => Reload.DryRun || Token is null;
}
