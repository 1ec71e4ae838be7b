using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cli;

/// <summary>
/// Runs the daemon's host and tells whether it failed: a hosted service that could not start, or a background
/// service whose loop ended with an exception. The host stops on either, but a crashed loop lets
/// <c>RunAsync</c> return as after a signal: without this look the daemon would exit 0, which a supervisor's
/// <c>Restart=on-failure</c> takes for a deliberate stop and leaves it down.
/// </summary>
internal static class DaemonHost
{
    /// <summary>Runs the host until it stops (the caller disposes it); true when it failed (a critical log line says why).</summary>
    public static async Task<bool> RunAsync(IHost host)
    {
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RunCommand).FullName!);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            // Not RunAsync: it disposes the host, and with it the services to look at and the log to write to.
            await host.StartAsync().ConfigureAwait(false);
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // A --listen address in use is the machine's state, not a bug: one line, no stack trace.
            logger.LogCritical(IsAddressInUse(e) ? null : e, "The daemon could not start ({Reason}); exiting with code 1", e.Message);
            return true;
        }
        var crashed = host.Services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Where(s => s.ExecuteTask is { IsFaulted: true })
            .ToList();
        foreach (var service in crashed)
        {
            var error = service.ExecuteTask!.Exception!.GetBaseException();
            logger.LogCritical(
                error,
                "{Service} crashed ({Reason}) and the daemon stopped; exiting with code 1 so that a supervisor restarts it",
                service.GetType().Name, error.Message);
        }
        return crashed.Count > 0;
    }

    private static bool IsAddressInUse(Exception e) =>
        e is IOException && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException;
}
