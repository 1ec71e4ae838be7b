using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using CachetMonitor.Host.Cachet.Sync;
using CachetMonitor.Host.Configuration;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Probing;
using CachetMonitor.Host.Scheduling;
using CachetMonitor.Host.Secrets;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Hosting;

/// <summary>The daemon's composition root: every service <c>run</c> starts, and in which order.</summary>
public static class MonitorServiceCollectionExtensions
{
    /// <summary>
    /// Wires the daemon's services. The order of the hosted services matters: they start in it and stop in reverse,
    /// so the listener is up before the first check and down after the last, and the scheduler stops first.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">The config and how to run it.</param>
    /// <param name="redactor">What the log masks: the caller has added the token and the config's masked values; hot reload adds new ones.</param>
    public static IServiceCollection AddCachetMonitor(this IServiceCollection services, MonitorRunOptions options, SecretRedactor redactor)
    {
        var config = options.Config;
        var dryRun = options.DryRun;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddMonitorHttpClients();
        services.AddSingleton<CachetHttpClients>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new RunState());
        services.AddSingleton(redactor);
        services.AddSingleton(new CachetWriteOptions { DryRun = dryRun, ResyncInterval = TimeSpan.FromSeconds(config.Cachet.ResyncSeconds) });
        services.AddSingleton(sp => new CachetRateBudget(config.Cachet.RateLimitPerMinute, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CachetWriteGate>();
        services.AddSingleton<CheckStatistics>();
        services.AddSingleton(new ProbeOptions());
        services.AddSingleton<HttpProber>();
        services.AddSingleton<Probers>();
        services.AddSingleton(sp => new SwitchableCachetApi(
            dryRun
                ? ActivatorUtilities.CreateInstance<DryRunCachet>(sp)
                : LiveClient(sp, config.Cachet, options.Token!, OnDetected(sp, config))));
        services.AddSingleton<ICachetApi>(sp => new InstrumentedCachetApi(
            sp.GetRequiredService<SwitchableCachetApi>(), sp.GetRequiredService<MonitorMetrics>()));
        services.AddSingleton(sp => new WebhookSender(
            config.Webhooks.ToList(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(MonitorHttpClients.Webhooks),
            sp.GetRequiredService<ILogger<WebhookSender>>()));
        services.AddSingleton<SyncCounters>();
        services.AddSingleton<EndpointMonitorFactory>();
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<EndpointMonitorFactory>();
            return new ComponentSet(HostInterop.Plans(config.Endpoints).Select(factory.CreateComponent));
        });
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<EndpointMonitorFactory>();
            var components = sp.GetRequiredService<ComponentSet>();
            return new MonitorSet(config.Endpoints.Select(e => factory.Create(e, components.Find(e.ComponentId)!)));
        });
        services.AddSingleton(sp => new MonitorMetrics(
            // The metrics read the monitor and component sets lazily, at scrape time.
            new Lazy<MonitorSet>(sp.GetRequiredService<MonitorSet>),
            new Lazy<ComponentSet>(sp.GetRequiredService<ComponentSet>),
            sp.GetRequiredService<CheckStatistics>(),
            sp.GetRequiredService<SyncCounters>(),
            sp.GetService<LogQueue>(),
            sp.GetRequiredService<WebhookSender>(),
            sp.GetRequiredService<RunState>()));
        if (options.Listen is { } listen)
        {
            // Up before the first check, down after the last.
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ObservabilityServer>(sp, listen));
        }
        services.AddSingleton<FailureSurgeGuard>();
        services.AddSingleton(sp =>
        {
            var quiet = ActivatorUtilities.CreateInstance<QuietTimes>(sp);
            // A hold of the all-failing heuristic reaches the components at once, like the connectivity guard's.
            sp.GetRequiredService<FailureSurgeGuard>().Changed += quiet.Apply;
            quiet.SetConfig(config);
            return quiet;
        });
        services.AddHostedService<QuietTimesService>();
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ConnectivityGuard>(sp, config.Endpoints.Head));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CachetSyncService>(sp, dryRun));
        services.AddHostedService(sp => sp.GetRequiredService<CachetSyncService>());
        services.AddHostedService<CheckScheduler>();
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ConfigReloader>(
            sp, options.Reload, config, (Func<CachetSettings, string, ICachetApi>)((settings, token) => LiveClient(sp, settings, token, OnDetected(sp, config)))));
        return services;
    }

    /// <summary>
    /// A live Cachet client for the settings' URL and version and a token: the version is detected (or checked) at
    /// the first call, and logged. Its HTTP client is the factory's (<see cref="MonitorHttpClients.Cachet"/>), or one per
    /// set of <c>cachet</c> TLS files (<see cref="CachetHttpClients"/>): a reload's new client shares the running one's socket pool.
    /// </summary>
    private static ICachetApi LiveClient(IServiceProvider sp, CachetSettings settings, string token, Action<DetectedCachet> detected)
    {
        var http = sp.GetRequiredService<CachetHttpClients>().For(settings.Tls);
        var detection = new CachetVersionDetection(http, token);
        return new DetectingCachetApi(ct => detection.DetectAsync(settings.ApiUrl, settings.ApiVersion, ct), CachetLogger(sp), detected);
    }

    /// <summary>
    /// Once Cachet is found: the quiet times learn whether it has an "under maintenance" status; on Cachet 3 the
    /// rate budget applies (2.x has no limit), and a config whose metrics cannot fit it is warned about.
    /// </summary>
    private static Action<DetectedCachet> OnDetected(IServiceProvider sp, Config config) => found =>
    {
        // Only Cachet 3 has the "under maintenance" status (maintenance_status: true).
        sp.GetRequiredService<QuietTimes>().SetCachetVersion(found.Client is Cachet3Client);
        if (found.Client is not Cachet3Client)
        {
            return;
        }
        var budget = sp.GetRequiredService<CachetRateBudget>();
        budget.Activate();
        var logger = CachetLogger(sp);
        logger.LogInformation("Cachet 3 rate budget: at most {PerMinute} calls a minute (cachet.rate_limit_per_minute)", budget.PerMinute);
        if (RateBudgetPlan.Warning(config.Endpoints.ToList(), budget.PerMinute) is { } warning)
        {
            logger.LogWarning("Cachet 3 rate budget: {Warning}", warning);
        }
    };

    private static ILogger CachetLogger(IServiceProvider sp) => sp.GetRequiredService<ILoggerFactory>().CreateLogger("CachetMonitor.Cachet");
}
