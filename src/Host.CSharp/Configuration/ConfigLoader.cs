using CachetMonitor.Domain;
using CachetMonitor.Host.Observability;

namespace CachetMonitor.Host.Configuration;

/// <summary>The outcome of loading a config file: the config, or the problems to print.</summary>
public sealed record LoadedConfig(Config? Config, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>The values the config took from the environment: secrets to mask in every output.</summary>
    public IReadOnlyList<string?> EnvironmentValues { get; init; } = [];

    public bool IsValid => Config is not null;
}

/// <summary>Reads and validates a config file and applies the original's environment overrides.</summary>
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
        var result = MonitorCore.ParseConfig(text, name => environment(name));
        var secrets = SecretRedactor.ReferencedEnvironmentValues(text, environment).ToList();
        var warnings = result.Warnings.Select(ConfigIssueModule.render).ToList();
        if (!result.IsValid)
        {
            return new LoadedConfig(null, result.Errors.Select(ConfigIssueModule.render).ToList(), warnings) { EnvironmentValues = secrets };
        }
        return new LoadedConfig(ApplyOverrides(result.Config, environment), [], warnings) { EnvironmentValues = secrets };
    }

    /// <summary><c>CACHET_API_URL</c> (non-empty) replaces <c>cachet.api_url</c>, as in the original.</summary>
    private static Config ApplyOverrides(Config config, Func<string, string?> environment)
    {
        if (environment("CACHET_API_URL") is not { Length: > 0 } apiUrl)
        {
            return config;
        }
        var cachet = new CachetSettings(apiUrl.Trim().TrimEnd('/'), config.Cachet.Token);
        return new Config(config.Endpoints, cachet, config.Webhooks, config.Messages);
    }
}
