using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using CachetMonitor.Host.Cachet.Sync;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Scheduling;
using CachetMonitor.Host.Secrets;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Configuration;

/// <summary>What hot reload needs to know about the running daemon.</summary>
public sealed record ReloadTarget(
    string ConfigPath,
    Func<string, string?> Environment,
    Func<Config, Config> SelectEndpoints,
    bool DryRun);

/// <summary>
/// Hot reload: when the config file changes (or on SIGHUP), a valid new config is applied per component —
/// unchanged endpoints keep their state and the component its open incident, checks in flight from the old config
/// are dropped, a component no longer monitored gets our incident resolved and our status put back, new components
/// start from Cachet's state — and a new Cachet URL or token is switched in and every component re-adopted. An invalid config is rejected with
/// every error logged, and the running config stays.
/// </summary>
public sealed class ConfigReloader(
    ReloadTarget target,
    Config initial,
    MonitorSet monitors,
    ComponentSet components,
    EndpointMonitorFactory factory,
    CachetSyncService sync,
    SwitchableCachetApi cachet,
    Func<CachetSettings, string, ICachetApi> createClient,
    WebhookSender webhooks,
    MonitorMetrics metrics,
    SecretRedactor redactor,
    IHttpClientFactory httpClients,
    ILogger<ConfigReloader> logger,
    QuietTimes? quiet = null) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Config _running = initial;
    private string? _lastDigest = Digest(target.ConfigPath);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var full = Path.GetFullPath(target.ConfigPath);
        // Watch the folder: editors and Kubernetes ConfigMaps replace the file rather than write it in place.
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        watcher.Changed += (_, _) => _signals.Writer.TryWrite(false);
        watcher.Created += (_, _) => _signals.Writer.TryWrite(false);
        watcher.Renamed += (_, _) => _signals.Writer.TryWrite(false);
        watcher.EnableRaisingEvents = true;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _signals.Writer.TryWrite(true);
        });

        try
        {
            while (await _signals.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(Settle, stoppingToken).ConfigureAwait(false);
                var forced = false;
                while (_signals.Reader.TryRead(out var signal))
                {
                    forced |= signal;
                }
                await ReloadAsync(forced, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reloads now; <paramref name="forced"/> (SIGHUP) reloads even an unchanged file.</summary>
    public async Task ReloadAsync(bool forced, CancellationToken ct)
    {
        var digest = Digest(target.ConfigPath);
        if (!forced && digest == _lastDigest)
        {
            return;
        }
        _lastDigest = digest;
        var loaded = ConfigLoader.Load(target.ConfigPath, target.Environment);
        redactor.Add(loaded.Masked);
        foreach (var warning in loaded.Warnings)
        {
            logger.LogWarning("Config warning: {Warning}", warning);
        }
        if (loaded.Config is not { } next)
        {
            foreach (var error in loaded.Errors)
            {
                logger.LogError("Config error: {Error}", error);
            }
            logger.LogError("The changed config is invalid ({Count} error(s)); the running config stays", loaded.Errors.Count);
            return;
        }

        next = target.SelectEndpoints(next);
        var cachetChanged = false;
        if (!target.DryRun && !next.Cachet.Equals(_running.Cachet))
        {
            var token = await TokenLoader.LoadAsync(next.Cachet.Token, target.Environment, httpClients, ct).ConfigureAwait(false);
            if (token.Token is not { } value)
            {
                logger.LogError("The changed config's Cachet token cannot be obtained ({Reason}); the running config stays", token.Failure);
                return;
            }
            redactor.Add([value]);
            cachet.Switch(createClient(next.Cachet, value));
            // Another instance: what was known of Cachet is forgotten and read afresh. A new token alone for the same
            // instance keeps it (writes waiting on a rejected token then go through).
            cachetChanged = !string.Equals(next.Cachet.ApiUrl, _running.Cachet.ApiUrl, StringComparison.Ordinal)
                || !next.Cachet.ApiVersion.Equals(_running.Cachet.ApiVersion);
            logger.LogInformation(
                cachetChanged ? "Cachet settings changed: now writing to {ApiUrl}; reading every component afresh" : "Cachet token changed for {ApiUrl}",
                next.Cachet.ApiUrl);
        }
        webhooks.Update(next.Webhooks.ToList());
        Apply(next, cachetChanged);
        _running = next;
    }

    private void Apply(Config next, bool cachetChanged)
    {
        var changes = components.Reconfigure(HostInterop.Plans(next.Endpoints), factory.CreateComponent, cachetChanged);
        var byId = components.Current.ToDictionary(c => c.ComponentId);
        var current = monitors.Current.ToDictionary(m => m.Endpoint.Name, StringComparer.Ordinal);
        var wanted = next.Endpoints.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var added = new List<EndpointMonitor>();
        var removed = new List<EndpointMonitor>();
        var unchanged = 0;
        foreach (var endpoint in next.Endpoints)
        {
            if (current.TryGetValue(endpoint.Name, out var running) && running.Endpoint.Equals(endpoint))
            {
                unchanged++;
                continue;
            }
            if (running is not null)
            {
                removed.Add(running);
            }
            added.Add(factory.Create(endpoint, byId[endpoint.ComponentId]));
        }
        removed.AddRange(current.Values.Where(m => !wanted.Contains(m.Endpoint.Name)));
        foreach (var gone in removed.Where(m => !wanted.Contains(m.Endpoint.Name)))
        {
            metrics.Forget(gone.Endpoint);
        }
        monitors.Change(added, removed);
        // The new windows and guard settings, applied to the new components too.
        quiet?.SetConfig(next);
        foreach (var adoption in changes.ToAdopt)
        {
            _ = sync.AdoptLaterAsync(adoption.Component, adoption.After);
        }
        var changed = added.Count(a => current.ContainsKey(a.Endpoint.Name));
        logger.LogInformation(
            "Config reloaded: {Added} added, {Changed} changed, {Removed} removed, {Unchanged} unchanged endpoint(s); {Retired} component(s) no longer monitored",
            added.Count - changed, changed, removed.Count - changed, unchanged, changes.Retired);
    }

    private static string? Digest(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
