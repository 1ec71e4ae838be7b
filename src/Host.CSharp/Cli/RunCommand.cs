using System.Runtime.InteropServices;
using CachetMonitor.Domain;
using CachetMonitor.Host.Configuration;
using CachetMonitor.Host.Hosting;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Scheduling;
using CachetMonitor.Host.Secrets;
using Microsoft.Extensions.DependencyInjection;

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
                    // Before the host: the token decides what the host runs (dry or live).
                    using var httpClients = MonitorHttpClients.Standalone();
                    obtained = await TokenLoader.LoadAsync(
                        config.Cachet.Token, environment, httpClients.GetRequiredService<IHttpClientFactory>(), stopping.Token);
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
        var target = new ReloadTarget(path, environment, ShardSelection.Filter(shard), arguments.DryRun);
        builder.Services.AddCachetMonitor(new MonitorRunOptions(config, token, target, arguments.Listen), redactor);

        using var host = builder.Build();
        if (await DaemonHost.RunAsync(host))
        {
            return ExitCodes.Failure;
        }
        if (host.Services.GetRequiredService<RunState>().Failure is { } failure)
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
}
