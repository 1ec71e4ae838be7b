using System.CommandLine;
using System.CommandLine.Help;

namespace CachetMonitor.Host.Cli;

/// <summary>Dispatches the command line to its command and returns the process exit code.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var result = CommandLineSyntax.Parse(args);
        if (result.Errors.Count > 0)
        {
            return BadArguments(result);
        }
        if (result.Action is not null and not HelpAction && result.Action != result.CommandResult.Command.Action)
        {
            // A directive, e.g. [suggest] for shell completion (dotnet-suggest).
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        var arguments = CliArguments.From(result);
        if (result.CommandResult.Command is RootCommand && arguments.Positionals is [var path] && !File.Exists(path))
        {
            // `cachet-monitor valdate`: no such config, and the word looks like a command.
            WriteSuggestions(result);
        }
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        return arguments.Command switch
        {
            "help" => PrintHelp(result.Action is HelpAction ? result : CommandLineSyntax.Parse([.. arguments.Positionals, "--help"]), Console.Out),
            "version" => PrintVersion(),
            "schema" => PrintSchema(),
            "validate" => ValidateCommand.Run(arguments.ConfigPath(environment), environment, Console.Out, Console.Error),
            "check" => await CheckCommand.RunAsync(arguments.ConfigPath(environment), arguments.Json, environment, Console.Out, Console.Error),
            "health" => await HealthCommand.RunAsync(arguments.Positionals.FirstOrDefault(), Console.Out, Console.Error),
            "generate" => await GenerateCommand.RunAsync(arguments.Positionals[0], arguments.Positionals[1], arguments.Positionals[2], arguments.Force, Console.Out, Console.Error),
            _ => await RunCommand.RunAsync(arguments, environment),
        };
    }

    /// <summary>Every error, the likely meant words, then the help of the command in effect; exit 2.</summary>
    private static int BadArguments(ParseResult result)
    {
        foreach (var error in result.Errors.Select(e => e.Message).Distinct())
        {
            Console.Error.WriteLine($"cachet-monitor: {error}");
        }
        WriteSuggestions(result);
        Console.Error.WriteLine();
        PrintHelp(CommandLineSyntax.Parse([.. CommandPath(result), "--help"]), Console.Error);
        return ExitCodes.BadArguments;
    }

    private static void WriteSuggestions(ParseResult result)
    {
        foreach (var suggestion in Suggestions.For(result))
        {
            Console.Error.WriteLine($"cachet-monitor: {suggestion}");
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult result) =>
        result.CommandResult.Command is RootCommand ? [] : [result.CommandResult.Command.Name];

    private static int PrintHelp(ParseResult help, TextWriter output)
    {
        help.Invoke(new InvocationConfiguration { Output = output });
        return ExitCodes.Ok;
    }

    /// <summary><c>schema</c>: the JSON Schema of config.yml, for editors.</summary>
    private static int PrintSchema()
    {
        Console.Out.Write(CachetMonitor.Domain.ConfigSchema.text());
        return ExitCodes.Ok;
    }

    private static int PrintVersion()
    {
        var version = typeof(CommandLine).Assembly.GetName().Version;
        Console.Out.WriteLine($"cachet-monitor {version}");
        return ExitCodes.Ok;
    }
}
