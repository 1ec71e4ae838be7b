using CachetMonitor.Domain;

namespace CachetMonitor.Host.Configuration;

/// <summary>The outcome of loading a config file: the config, or the problems to print.</summary>
public sealed record LoadedConfig(Config? Config, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>The values the config took from the environment: secrets to mask in every output.</summary>
    public IReadOnlyList<string?> EnvironmentValues { get; init; } = [];

    public bool IsValid => Config is not null;
}

/// <summary>Reads a config file and hands it to the core (which validates it and applies the environment overrides).</summary>
public static class ConfigLoader
{
    public static LoadedConfig Load(string path, Func<string, string?> environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new LoadedConfig(null, [$"{path}: cannot read the config file: {e.Message}"], []);
        }
        var result = HostInterop.ParseConfig(text, name => environment(name));
        var warnings = result.Warnings.Select(ConfigIssueModule.render).ToList();
        if (!result.TryGetConfig(out var config))
        {
            return new LoadedConfig(null, result.Errors.Select(ConfigIssueModule.render).ToList(), warnings) { EnvironmentValues = result.EnvironmentValues };
        }
        return new LoadedConfig(config, [], warnings) { EnvironmentValues = result.EnvironmentValues };
    }
}
