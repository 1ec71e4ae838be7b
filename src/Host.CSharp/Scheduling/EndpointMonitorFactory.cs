using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Api;
using CachetMonitor.Host.Cachet.Sync;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Secrets;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>Builds components with their Cachet sync and webhooks, and endpoint monitors with their metric series.</summary>
public sealed class EndpointMonitorFactory(
    ICachetApi cachet,
    CachetWriteGate gate,
    CachetWriteOptions options,
    WebhookSender webhooks,
    MonitorMetrics metrics,
    SyncCounters counters,
    SecretRedactor redactor,
    TimeProvider time,
    ILoggerFactory loggers,
    FailureSurgeGuard? surge = null)
{
    public ComponentSync CreateComponent(ComponentPlan plan)
    {
        var logger = loggers.CreateLogger($"cachet_monitor.component.{plan.ComponentId}");
        return new ComponentSync(plan, cachet, gate, options, webhooks.Notify, redactor.Redact, counters, time, logger);
    }

    public EndpointMonitor Create(Endpoint endpoint, ComponentSync component) =>
        new(endpoint, component, metrics.For(endpoint), surge);
}
