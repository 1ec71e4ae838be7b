namespace CachetMonitor.Host.Cli;

/// <summary>The process exit codes other tools rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A start-up failure (token unobtainable, Cachet configuration error), or a failing check.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or an invalid config; nothing touched the network.</summary>
    public const int BadArguments = 2;
}
