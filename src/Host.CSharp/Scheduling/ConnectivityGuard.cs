using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// The connectivity guard (<c>connectivity.urls</c>): checks the URLs every <c>frequency</c>; while every one fails
/// the monitor is offline — the components make no status or incident writes and hold their metric points, and
/// <c>/readyz</c> says why — and when one answers again each component writes its current truth once. Any answer
/// counts (an HTTP error status or a DNS NXDOMAIN too): the question is whether the monitor's own network works.
/// </summary>
public sealed class ConnectivityGuard(
    QuietTimes quiet,
    Func<string, double, CancellationToken, Task<string?>> check,
    RunState runState,
    TimeProvider time,
    ILogger<ConnectivityGuard> logger) : BackgroundService
{
    /// <summary>A guard probing its URLs (any check kind) with the monitor's own probers.</summary>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public ConnectivityGuard(QuietTimes quiet, Probers prober, Endpoint template, RunState runState, TimeProvider time, ILogger<ConnectivityGuard> logger)
        : this(quiet, (url, timeout, ct) => Probe(prober, template, url, timeout, ct), runState, time, logger)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var settings = quiet.Connectivity;
                if (settings is not null && !settings.Urls.IsEmpty)
                {
                    await RoundAsync(settings, stoppingToken).ConfigureAwait(false);
                }
                else if (runState.SetOffline(null))
                {
                    // A reload removed the guard while offline.
                    quiet.Apply();
                }
                var wait = TimeSpan.FromSeconds(settings?.FrequencySeconds ?? 30);
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Checks every URL once and sets the offline state from the answers.</summary>
    public async Task RoundAsync(ConnectivitySettings settings, CancellationToken stopping)
    {
        var urls = settings.Urls.ToList();
        var failures = await Task.WhenAll(urls.Select(url => check(url, settings.TimeoutSeconds, stopping))).ConfigureAwait(false);
        if (stopping.IsCancellationRequested)
        {
            // Probes cut short by shutdown say nothing about the network.
            return;
        }
        var reason = failures.All(f => f is not null)
            ? "every connectivity URL failed: " + string.Join("; ", urls.Zip(failures, (url, failure) => $"{UrlCredentials.mask(url)}: {failure}"))
            : null;
        if (!runState.SetOffline(reason))
        {
            return;
        }
        if (reason is not null)
        {
            logger.LogWarning("Offline: {Reason}. Checks go on; status and incident writes are held until a connectivity URL answers", reason);
        }
        else
        {
            logger.LogInformation("Online again: a connectivity URL answers; each component's current state is written");
        }
        quiet.Apply();
    }

    private static async Task<string?> Probe(Probers prober, Endpoint template, string url, double timeoutSeconds, CancellationToken stopping)
    {
        var observation = await prober.ProbeAsync(HostInterop.ConnectivityProbe(template, url, timeoutSeconds), stopping).ConfigureAwait(false);
        return observation switch
        {
            Observation.Unreachable unreachable => unreachable.error,
            _ when observation.IsTimedOut => $"no answer within {timeoutSeconds:0.###} s",
            _ => null,
        };
    }
}
