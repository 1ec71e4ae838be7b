using CachetMonitor.Host.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// Console logging to stderr, as text or JSON, at the chosen level, with every secret masked; written by a
/// queue that drops and counts lines rather than block a check when stderr is not read (<see cref="LogQueue"/>).
/// </summary>
public static class ConsoleLogging
{
    /// <param name="output">Where the lines go; stderr unless a test gives its own.</param>
    public static void Configure(ILoggingBuilder logging, string level, string format, SecretRedactor redactor, Stream? output = null)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(Enum.Parse<LogLevel>(level, ignoreCase: true));
        // The framework's own chatter (request URLs included) stays out unless it is a problem.
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // The host's own "failed to start" and "BackgroundService failed" errors: DaemonHost reports each once, as critical.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // These register the console formatters and their options; the console logger itself is replaced below.
        if (format == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            });
        }
        UseQueue(logging.Services, format == "json" ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple, output);
        WrapProviders(logging.Services, redactor);
    }

    /// <summary>
    /// Replaces Microsoft's console logger, which blocks its caller once stderr stops being read, by the queued
    /// one with the same formatter.
    /// </summary>
    private static void UseQueue(IServiceCollection services, string formatterName, Stream? output)
    {
        services.Remove(services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)));
        services.AddSingleton(sp => new QueuedConsoleLoggerProvider(
            sp.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName), output ?? Console.OpenStandardError()));
        services.AddSingleton(sp => sp.GetRequiredService<QueuedConsoleLoggerProvider>().Queue);
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<QueuedConsoleLoggerProvider>());
    }

    /// <summary>Replaces each registered logger provider by one that redacts secrets before it writes.</summary>
    private static void WrapProviders(IServiceCollection services, SecretRedactor redactor)
    {
        var providers = services.Where(d => d.ServiceType == typeof(ILoggerProvider)).ToList();
        foreach (var descriptor in providers)
        {
            services.Remove(descriptor);
            services.AddSingleton<ILoggerProvider>(sp => new RedactingLoggerProvider(Create(sp, descriptor), redactor));
        }
    }

    private static ILoggerProvider Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
}
