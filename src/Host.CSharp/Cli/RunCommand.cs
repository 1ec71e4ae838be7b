using System.Runtime.InteropServices;
using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet;
using CachetMonitor.Host.Configuration;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Probing;
using CachetMonitor.Host.Scheduling;
using CachetMonitor.Host.Secrets;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Cli;

/// <summary><c>run</c> (the default): the daemon.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, Func<string, string?> environment)
    {
        var path = arguments.ConfigPath(environment);
        var loaded = ConfigLoader.Load(path, environment);
        if (ValidateCommand.ReportInvalid(path, loaded, Console.Error))
        {
            return ExitCodes.BadArguments;
        }
        var (shard, shardError) = ShardSelection.Resolve(arguments, environment);
        if (shardError is not null)
        {
            await Console.Error.WriteLineAsync($"cachet-monitor: {shardError}");
            return ExitCodes.BadArguments;
        }
        if (ConfigFilePermissions.WorldReadableTokenWarning(path, loaded.Config!, loaded.EnvironmentValues) is { } warning)
        {
            await Console.Error.WriteLineAsync($"warning: {warning}");
        }
        var config = ShardSelection.Apply(loaded.Config!, shard, Console.Error);
        // The parse's garbage (the YAML node model: ~100 MB for 10,000 endpoints) would otherwise stay committed
        // while the monitors are built and the first checks run; returning it now keeps the peak RSS down.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        string? token = null;
        if (!arguments.DryRun)
        {
            // The host handles SIGTERM/SIGINT once it runs; before that (a slow token provider) stop with 0 too.
            using var stopping = new CancellationTokenSource();
            LoadedToken obtained;
            using (StopOnSignal(PosixSignal.SIGTERM, stopping))
            using (StopOnSignal(PosixSignal.SIGINT, stopping))
            {
                try
                {
                    obtained = await TokenLoader.LoadAsync(config.Cachet.Token, environment, stopping.Token);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return ExitCodes.Ok;
                }
            }
            if (obtained.Token is null)
            {
                await Console.Error.WriteLineAsync($"cachet-monitor: no Cachet token could be obtained: {obtained.Failure}");
                return ExitCodes.Failure;
            }
            foreach (var skipped in obtained.Skipped)
            {
                await Console.Error.WriteLineAsync($"cachet-monitor: token provider skipped: {skipped}");
            }
            // The override is a feature, not a provider: said once when it is used, never when it is not.
            if (config.Cachet.Token.IsPlainToken && environment(ConfigLoading.TokenVariable) is { Length: > 0 })
            {
                await Console.Error.WriteLineAsync(
                    $"cachet-monitor: the Cachet token is taken from {ConfigLoading.TokenVariable} (it overrides cachet.token)");
            }
            token = obtained.Token;
        }

        var redactor = new SecretRedactor();
        redactor.Add([token]);
        redactor.Add(loaded.Masked);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder([]);
        ConsoleLogging.Configure(builder.Logging, arguments.LogLevel, arguments.LogFormat, redactor);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var runState = new RunState();
        var target = new ReloadTarget(path, environment, ShardSelection.Filter(shard), arguments.DryRun);
        Register(builder.Services, config, token, target, arguments.Listen, runState, redactor);

        using var host = builder.Build();
        if (await DaemonHost.RunAsync(host))
        {
            return ExitCodes.Failure;
        }
        if (runState.Failure is { } failure)
        {
            await Console.Error.WriteLineAsync($"cachet-monitor: {failure}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    private static PosixSignalRegistration StopOnSignal(PosixSignal signal, CancellationTokenSource stopping) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });

    /// <summary>
    /// A live Cachet client for the settings' URL and version and a token: the version is detected (or checked) at
    /// the first call, and logged.
    /// </summary>
    private static ICachetApi LiveClient(CachetSettings settings, string token, ILogger logger, Action<DetectedCachet> detected)
    {
        var detection = new CachetVersionDetection(CachetClient.CreateHttpClient(TimeSpan.FromSeconds(30)), token);
        return new DetectingCachetApi(ct => detection.DetectAsync(settings.ApiUrl, settings.ApiVersion, ct), logger, detected);
    }

    /// <summary>
    /// Once Cachet 3 is found: the rate budget applies (2.x has no limit), and a config whose metrics cannot fit it
    /// is warned about.
    /// </summary>
    private static Action<DetectedCachet> OnDetected(IServiceProvider sp, Config config) => found =>
    {
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

    /// <summary>Wires the daemon's services; the order of the hosted services matters (the scheduler stops first).</summary>
    public static void Register(
        IServiceCollection services,
        Config config,
        string? token,
        ReloadTarget target,
        System.Net.IPEndPoint? listen,
        RunState runState,
        SecretRedactor redactor)
    {
        var dryRun = target.DryRun || token is null;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(runState);
        services.AddSingleton(redactor);
        services.AddSingleton(new CachetWriteOptions { DryRun = dryRun, ResyncInterval = TimeSpan.FromSeconds(config.Cachet.ResyncSeconds) });
        services.AddSingleton(sp => new CachetRateBudget(config.Cachet.RateLimitPerMinute, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CachetWriteGate>();
        services.AddSingleton<CheckStatistics>();
        services.AddSingleton(new ProbeOptions());
        services.AddSingleton<HttpProber>();
        services.AddSingleton<Probers>();
        services.AddSingleton(sp => new SwitchableCachetApi(
            dryRun ? ActivatorUtilities.CreateInstance<DryRunCachet>(sp) : LiveClient(config.Cachet, token!, CachetLogger(sp), OnDetected(sp, config))));
        services.AddSingleton<ICachetApi>(sp => new InstrumentedCachetApi(
            sp.GetRequiredService<SwitchableCachetApi>(), sp.GetRequiredService<MonitorMetrics>()));
        services.AddSingleton(sp => new WebhookSender(
            config.Webhooks.ToList(),
            Hosting.UserAgent.Client(TimeSpan.FromSeconds(10)),
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
            sp.GetRequiredService<WebhookSender>()));
        if (listen is not null)
        {
            // Up before the first check, down after the last.
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ObservabilityServer>(sp, listen));
        }
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CachetSyncService>(sp, dryRun));
        services.AddHostedService(sp => sp.GetRequiredService<CachetSyncService>());
        services.AddHostedService<CheckScheduler>();
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ConfigReloader>(
            sp, target, config, (Func<CachetSettings, string, ICachetApi>)((settings, token) => LiveClient(settings, token, CachetLogger(sp), OnDetected(sp, config)))));
    }
}
