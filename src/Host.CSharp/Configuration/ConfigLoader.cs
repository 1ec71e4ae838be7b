using CachetMonitor.Domain;

namespace CachetMonitor.Host.Configuration;

/// <summary>The outcome of loading a config file: the config, or the problems to print.</summary>
public sealed record LoadedConfig(Config? Config, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>The values the config took from the environment: secrets to mask in every output.</summary>
    public IReadOnlyList<string?> EnvironmentValues { get; init; } = [];

    /// <summary>Credentials written in the config itself (<see cref="ConfigSecrets"/>): masked like the others.</summary>
    public IReadOnlyList<string> WrittenSecrets { get; init; } = [];

    /// <summary>Every value to mask in output: <see cref="EnvironmentValues"/> and <see cref="WrittenSecrets"/>.</summary>
    public IEnumerable<string?> Masked => EnvironmentValues.Concat(WrittenSecrets);

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
        var result = HostInterop.ParseConfig(text, name => environment(name), SystemTimeZones.Find);
        var warnings = result.Warnings.Select(ConfigIssueModule.render).ToList();
        if (!result.TryGetConfig(out var config))
        {
            return new LoadedConfig(null, result.Errors.Select(ConfigIssueModule.render).ToList(), warnings) { EnvironmentValues = result.EnvironmentValues };
        }
        // The core names the TLS files; reading them is I/O, so it happens here, and a bad file fails the load.
        var fileProblems = ConfigFiles.Problems(result.Files);
        return new LoadedConfig(fileProblems.Count == 0 ? config : null, fileProblems, warnings)
        {
            EnvironmentValues = result.EnvironmentValues,
            WrittenSecrets = ConfigSecrets.Of(config),
        };
    }
}
