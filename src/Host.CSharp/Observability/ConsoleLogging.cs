using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Observability;

/// <summary>Console logging to stderr, as text or JSON, at the chosen level, with every secret masked.</summary>
public static class ConsoleLogging
{
    public static void Configure(ILoggingBuilder logging, string level, string format, SecretRedactor redactor)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(Enum.Parse<LogLevel>(level, ignoreCase: true));
        // The framework's own chatter (request URLs included) stays out unless it is a problem.
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
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
        WrapProviders(logging.Services, redactor);
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
