using System.Net;
using CachetMonitor.Host.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// The optional HTTP listener (<c>--listen ADDR:PORT</c>): <c>/healthz</c> (the scheduler loop is alive),
/// <c>/readyz</c> (Cachet start-up reads are done, and the monitor is not offline) and <c>/metrics</c> (Prometheus text format).
/// </summary>
public sealed class ObservabilityServer(
    IPEndPoint listen,
    MonitorMetrics metrics,
    CheckStatistics statistics,
    RunState runState,
    TimeProvider time,
    ILogger<ObservabilityServer> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long the scheduler loop may be silent before the daemon counts as unhealthy.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(10);

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(listen));
        var app = builder.Build();
        app.MapGet("/healthz", () =>
        {
            var silent = statistics.SilentFor(time);
            return silent <= StallLimit
                ? Results.Text("healthy\n")
                : Results.Text($"unhealthy: the scheduler has been silent for {silent.TotalSeconds:0} s\n", statusCode: 503);
        });
        app.MapGet("/readyz", () =>
            runState.Failure is { } failure ? Results.Text($"failed: {failure}\n", statusCode: 503)
            : runState.Offline is { } offline ? Results.Text($"offline: {offline}\n", statusCode: 503)
            : runState.Ready ? Results.Text("ready\n")
            : Results.Text("starting: Cachet start-up reads are pending\n", statusCode: 503));
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        logger.LogInformation("Listening on http://{Listen} for /healthz, /readyz and /metrics", listen);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
