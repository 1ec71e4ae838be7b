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
        var config = ShardSelection.Apply(loaded.Config!, shard, Console.Error);

        string? token = null;
        if (!arguments.DryRun)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            var secretsManager = new AwsSecretsManagerClient(http, TimeProvider.System, new SdkAwsCredentialsSource());
            var resolution = await new TokenResolver(secretsManager).ResolveAsync(config.Cachet.Token, environment, CancellationToken.None);
            if (!resolution.IsResolved)
            {
                await Console.Error.WriteLineAsync($"cachet-monitor: no Cachet token could be obtained: {resolution.FailureSummary}");
                return ExitCodes.Failure;
            }
            foreach (var skipped in resolution.Failures)
            {
                await Console.Error.WriteLineAsync($"cachet-monitor: token provider skipped: {skipped}");
            }
            token = SecretModule.reveal(resolution.Token);
        }

        var redactor = new SecretRedactor();
        redactor.Add([token]);
        redactor.Add(loaded.EnvironmentValues);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder([]);
        Logging.Configure(builder.Logging, arguments.LogLevel, arguments.LogFormat, redactor);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var runState = new RunState();
        Register(builder.Services, config, token, arguments.DryRun, runState);

        using var host = builder.Build();
        await host.RunAsync();
        if (runState.Failure is { } failure)
        {
            await Console.Error.WriteLineAsync($"cachet-monitor: {failure}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    /// <summary>Wires the daemon's services; the order of the hosted services matters (the scheduler stops first).</summary>
    public static void Register(IServiceCollection services, Config config, string? token, bool dryRun, RunState runState)
    {
        var writeOptions = new CachetWriteOptions();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(runState);
        services.AddSingleton(writeOptions);
        services.AddSingleton<CachetWriteGate>();
        services.AddSingleton<CheckStatistics>();
        services.AddSingleton(new ProbeOptions());
        services.AddSingleton<HttpProber>();
        services.AddSingleton<ICachetApi>(sp => dryRun || token is null
            ? ActivatorUtilities.CreateInstance<DryRunCachet>(sp)
            : new CachetClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, config.Cachet.ApiUrl, token));
        services.AddSingleton(sp => new WebhookSender(
            config.Webhooks.ToList(),
            new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
            sp.GetRequiredService<ILogger<WebhookSender>>()));
        services.AddSingleton<IReadOnlyList<EndpointMonitor>>(sp =>
        {
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            return config.Endpoints.Select(endpoint =>
            {
                var logger = loggers.CreateLogger($"cachet_monitor.endpoint.{endpoint.Name}");
                var sync = new EndpointSync(
                    endpoint,
                    sp.GetRequiredService<ICachetApi>(),
                    sp.GetRequiredService<CachetWriteGate>(),
                    writeOptions,
                    sp.GetRequiredService<TimeProvider>(),
                    logger);
                return new EndpointMonitor(endpoint, sync, sp.GetRequiredService<WebhookSender>(), logger);
            }).ToList();
        });
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<CachetSyncService>(sp, dryRun));
        services.AddHostedService<CheckScheduler>();
    }
}
