namespace CachetMonitor.Host.Cli;

/// <summary>Dispatches the command line to the commands.</summary>
public static class CommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: cachet-monitor [run|check|validate|generate] ...");
        return Task.FromResult(args.Length == 0 ? 2 : 2);
    }
}
