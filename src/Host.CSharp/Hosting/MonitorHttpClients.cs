using Microsoft.Extensions.DependencyInjection;

namespace CachetMonitor.Host.Hosting;

/// <summary>
/// The named HTTP clients of everything but the probes (which have their own handler, see <c>Probing/</c>): every
/// client comes from <see cref="IHttpClientFactory"/>, sends <see cref="UserAgent.Value"/> on every request and
/// logs nothing of its own (request URLs stay out of the log). Each name keeps one handler, and with it one socket pool,
/// for the life of the process: a hot reload that switches the Cachet URL or token gets a new client over the same pool.
/// </summary>
public static class MonitorHttpClients
{
    /// <summary>Cachet calls (the 2.x and 3.x clients and version detection; <c>generate</c> too), 30 s a call.</summary>
    public const string Cachet = "cachet";

    /// <summary>Webhook deliveries, 10 s a call.</summary>
    public const string Webhooks = "webhooks";

    /// <summary>Token providers (AWS Secrets Manager), 15 s a call.</summary>
    public const string Secrets = "secrets";

    /// <summary>The <c>health</c> command's one request, 5 s.</summary>
    public const string Health = "health";

    /// <summary>Registers the named clients (and the factory).</summary>
    public static IServiceCollection AddMonitorHttpClients(this IServiceCollection services)
    {
        // Redirects are not followed: a 3xx is a CachetApiErrorKind.Redirected naming its Location, so a write is never
        // turned into a GET and the token never leaves the configured origin.
        Add(services, Cachet, TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        Add(services, Webhooks, TimeSpan.FromSeconds(10));
        Add(services, Secrets, TimeSpan.FromSeconds(15));
        Add(services, Health, TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>
    /// The factory alone, for a command that runs without the daemon's host (<c>generate</c>, <c>health</c>, the token
    /// obtained before the host starts). The caller disposes it.
    /// </summary>
    public static ServiceProvider Standalone() => new ServiceCollection().AddMonitorHttpClients().BuildServiceProvider();

    private static IHttpClientBuilder Add(IServiceCollection services, string name, TimeSpan timeout) =>
        services.AddHttpClient(name, client =>
            {
                client.Timeout = timeout;
                client.DefaultRequestHeaders.TryAddWithoutValidation(UserAgent.HeaderName, UserAgent.Value);
            })
            // The factory's default rotates handlers every 2 minutes: each client made after that (a reload's) would open
            // a new pool. The pools here live as long as the process, as the clients' own handlers did before the factory.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
}
