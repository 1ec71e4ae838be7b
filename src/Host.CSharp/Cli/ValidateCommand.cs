using CachetMonitor.Host.Configuration;

namespace CachetMonitor.Host.Cli;

/// <summary><c>validate</c>: prints every error and warning with its path and position.</summary>
public static class ValidateCommand
{
    public static int Run(string path, Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ConfigLoader.Load(path, environment);
        foreach (var warning in loaded.Warnings)
        {
            stderr.WriteLine($"warning: {warning}");
        }
        foreach (var error in loaded.Errors)
        {
            stderr.WriteLine($"error: {error}");
        }
        if (loaded.Config is not { } config)
        {
            stderr.WriteLine($"{path}: invalid ({Plural(loaded.Errors.Count, "error")}, {Plural(loaded.Warnings.Count, "warning")})");
            return ExitCodes.BadArguments;
        }
        stdout.WriteLine($"{path}: valid ({Plural(config.Endpoints.Length, "endpoint")}, {Plural(loaded.Warnings.Count, "warning")})");
        return ExitCodes.Ok;
    }

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Prints a load failure for the commands that need a valid config; true when it failed.</summary>
    internal static bool ReportInvalid(string path, LoadedConfig loaded, TextWriter stderr)
    {
        foreach (var warning in loaded.Warnings)
        {
            stderr.WriteLine($"warning: {warning}");
        }
        if (loaded.IsValid)
        {
            return false;
        }
        foreach (var error in loaded.Errors)
        {
            stderr.WriteLine($"error: {error}");
        }
        stderr.WriteLine($"{path}: invalid ({Plural(loaded.Errors.Count, "error")}); nothing was started");
        return true;
    }
}
