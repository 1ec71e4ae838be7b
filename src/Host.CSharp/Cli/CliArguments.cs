using System.CommandLine;
using System.CommandLine.Help;

namespace CachetMonitor.Host.Cli;

/// <summary>The command line, parsed: a command, its positional arguments and its options.</summary>
public sealed record CliArguments(
    string Command,
    IReadOnlyList<string> Positionals,
    bool DryRun,
    bool Json,
    bool Force,
    string LogLevel,
    string LogFormat)
{
    /// <summary>Where the health and metrics listener binds (<c>--listen ADDR:PORT</c>); null when off.</summary>
    public System.Net.IPEndPoint? Listen { get; init; }

    /// <summary>The shard this replica monitors (<c>--shard I/N</c>); null when not given.</summary>
    public CachetMonitor.Domain.Shard? Shard { get; init; }

    /// <summary>The shard count of <c>--shard-from-hostname N</c>; null when not given.</summary>
    public int? ShardsFromHostname { get; init; }

    /// <summary>Parses the arguments, or says what is wrong with them.</summary>
    public static (CliArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var result = CommandLineSyntax.Parse(args);
        return result.Errors.Count > 0
            ? (null, string.Join("; ", result.Errors.Select(e => e.Message).Distinct()))
            : (From(result), null);
    }

    /// <summary>The arguments of a parse without errors; --help anywhere means help, --version means version.</summary>
    public static CliArguments From(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var name = result.Action is HelpAction ? "help"
            : result.GetValue(CommandLineSyntax.Version) ? "version"
            : command is RootCommand ? "run"
            : command.Name;
        var positionals = command.Arguments
            .Select(argument => result.GetResult(argument)?.Tokens.Select(t => t.Value))
            .SelectMany(values => values ?? [])
            .ToList();
        return new CliArguments(
            name,
            result.Action is HelpAction || name == "version" ? [] : positionals,
            result.GetValue(CommandLineSyntax.DryRun),
            result.GetValue(CommandLineSyntax.Json),
            result.GetValue(CommandLineSyntax.Force),
            result.GetValue(CommandLineSyntax.LogLevel) ?? "Information",
            result.GetValue(CommandLineSyntax.LogFormat) ?? "text")
        {
            Listen = result.GetValue(CommandLineSyntax.Listen),
            Shard = result.GetValue(CommandLineSyntax.Shard),
            ShardsFromHostname = result.GetValue(CommandLineSyntax.ShardFromHostname),
        };
    }

    /// <summary>The config path: the argument, else $CACHET_MONITOR_CONFIG, else config/config.yml.</summary>
    public string ConfigPath(Func<string, string?> environment) =>
        Positionals.Count > 0 ? Positionals[0]
        : environment("CACHET_MONITOR_CONFIG") is { Length: > 0 } fromEnv ? fromEnv
        : Path.Combine("config", "config.yml");
}
