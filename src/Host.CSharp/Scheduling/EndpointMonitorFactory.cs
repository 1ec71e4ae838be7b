using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>Builds an endpoint's monitor with its Cachet sync, webhooks, logger and metric series.</summary>
public sealed class EndpointMonitorFactory(
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    WebhookSender webhooks,
    MonitorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public EndpointMonitor Create(Endpoint endpoint)
    {
        // One logger category per endpoint, like the original's per-endpoint loggers.
        var logger = loggers.CreateLogger($"cachet_monitor.endpoint.{endpoint.Name}");
        var sync = new EndpointSync(endpoint, cachet, gate, options, time, logger);
        return new EndpointMonitor(endpoint, sync, webhooks, logger, metrics.For(endpoint));
    }
}
