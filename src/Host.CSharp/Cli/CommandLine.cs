namespace CachetMonitor.Host.Cli;

/// <summary>Dispatches the command line to its command and returns the process exit code.</summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (arguments, error) = CliArguments.Parse(args);
        if (arguments is null)
        {
            await Console.Error.WriteLineAsync($"cachet-monitor: {error}\n\n{Usage.Text}");
            return ExitCodes.BadArguments;
        }
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        return arguments.Command switch
        {
            "help" => PrintHelp(),
            "version" => PrintVersion(),
            "schema" => PrintSchema(),
            "validate" => ValidateCommand.Run(arguments.ConfigPath(environment), environment, Console.Out, Console.Error),
            "check" => await CheckCommand.RunAsync(arguments.ConfigPath(environment), arguments.Json, environment, Console.Out, Console.Error),
            "health" => await HealthCommand.RunAsync(arguments.Positionals.FirstOrDefault(), Console.Out, Console.Error),
            "generate" => await GenerateCommand.RunAsync(arguments.Positionals[0], arguments.Positionals[1], arguments.Positionals[2], arguments.Force, Console.Out, Console.Error),
            _ => await RunCommand.RunAsync(arguments, environment),
        };
    }

    private static int PrintHelp()
    {
        Console.Out.WriteLine(Usage.Text);
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
