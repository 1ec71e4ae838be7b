using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// Which shard of the endpoints this replica monitors: <c>--shard I/N</c>, else <c>--shard-from-hostname N</c>
/// (the trailing <c>-ordinal</c> of $HOSTNAME, as a StatefulSet pod is named), else $CACHET_MONITOR_SHARD;
/// none of them means every endpoint.
/// </summary>
public static class ShardSelection
{
    public const string EnvironmentVariable = "CACHET_MONITOR_SHARD";

    /// <summary>The shard, null for all endpoints, or an error.</summary>
    public static (Shard? Shard, string? Error) Resolve(CliArguments arguments, Func<string, string?> environment)
    {
        if (arguments.Shard is { } shard)
        {
            return (shard, null);
        }
        if (arguments.ShardsFromHostname is { } count)
        {
            var hostname = environment("HOSTNAME") is { Length: > 0 } fromEnv ? fromEnv : Environment.MachineName;
            var ofHost = HostInterop.ShardOfHostname(hostname, count);
            return ofHost.TryGetShard(out var owned) ? (owned, null) : (null, $"--shard-from-hostname: {ofHost.Error}");
        }
        if (environment(EnvironmentVariable) is { Length: > 0 } text)
        {
            var parsed = HostInterop.ParseShard(text);
            return parsed.TryGetShard(out var named) ? (named, null) : (null, $"{EnvironmentVariable}: {parsed.Error}");
        }
        return (null, null);
    }

    /// <summary>Keeps the shard's endpoints of a config (every one when unsharded); hot reload applies it too.</summary>
    public static Func<Config, Config> Filter(Shard? shard) =>
        shard is null ? config => config : config => HostInterop.RestrictToShard(config, shard);

    /// <summary>The config with only the shard's endpoints; says how many it owns.</summary>
    public static Config Apply(Config config, Shard? shard, TextWriter stderr)
    {
        if (shard is null)
        {
            return config;
        }
        var owned = HostInterop.RestrictToShard(config, shard);
        stderr.WriteLine(
            $"cachet-monitor: shard {shard} owns {ValidateCommand.Plural(owned.Endpoints.Length, "endpoint")} of {config.Endpoints.Length}");
        return owned;
    }
}
