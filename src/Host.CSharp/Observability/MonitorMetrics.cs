using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Sync;
using CachetMonitor.Host.Scheduling;
using Prometheus;

namespace CachetMonitor.Host.Observability;

/// <summary>
/// The Prometheus metrics of the daemon (prometheus-net, in a registry of its own). Per-endpoint series are
/// created once per monitor so a check costs a counter increment, not a label look-up.
/// </summary>
public sealed class MonitorMetrics
{
    private readonly Counter _checks;
    private readonly Histogram _checkDuration;
    private readonly Gauge _componentStatus;
    private readonly Gauge _inMaintenance;
    private readonly Counter _cachetCalls;
    private readonly Gauge _pendingWrites;
    private readonly Counter _skippedSlots;
    private readonly Counter _droppedPoints;
    private readonly Counter _coalescedPoints;
    private long _coalescedReported;
    private readonly Counter _writeLoopFailures;
    private readonly Gauge _certificateDays;
    private readonly Counter _metricValueFailures;
    private readonly Counter _droppedLogLines;
    private long _skippedReported;
    private long _droppedReported;
    private long _failuresReported;

    /// <param name="monitors">The running monitors, read at scrape time.</param>
    /// <param name="components">The components being kept true, read at scrape time.</param>
    /// <param name="statistics">The scheduler's counters.</param>
    /// <param name="counters">The component write loops' counters.</param>
    /// <param name="logs">The log queue whose dropped lines are counted (none: the counter stays 0).</param>
    /// <param name="webhooks">The webhook sender whose dropped events are counted (none: the counter stays 0).</param>
    /// <param name="runState">Whether the monitor is offline (none: the gauge stays 0).</param>
    public MonitorMetrics(
        Lazy<MonitorSet> monitors,
        Lazy<ComponentSet> components,
        CheckStatistics statistics,
        SyncCounters counters,
        LogQueue? logs = null,
        Webhooks.WebhookSender? webhooks = null,
        RunState? runState = null)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _checks = factory.CreateCounter(
            "cachet_monitor_checks_total", "Checks made, by endpoint and result (pass or fail).", "endpoint", "result");
        _checkDuration = factory.CreateHistogram(
            "cachet_monitor_check_latency_seconds",
            "Latency of checks that got a response, from the request to the final response's headers.",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _componentStatus = factory.CreateGauge(
            "cachet_monitor_component_status",
            "The component status (0-4) Cachet shows as far as this monitor knows, by endpoint on the component.",
            "endpoint", "component_id");
        _inMaintenance = factory.CreateGauge(
            "cachet_monitor_endpoint_in_maintenance",
            "1 while the endpoint is in a maintenance window or its component in a Cachet schedule in progress (nothing worse than Cachet shows is written), else 0.",
            "endpoint");
        var offline = factory.CreateGauge(
            "cachet_monitor_offline",
            "1 while every connectivity URL fails: the monitor holds its status and incident writes (see /readyz), else 0.");
        _cachetCalls = factory.CreateCounter(
            "cachet_monitor_cachet_calls_total",
            "Cachet API calls by operation and outcome (ok, or the error kind).",
            "operation", "outcome");
        _pendingWrites = factory.CreateGauge(
            "cachet_monitor_pending_cachet_writes", "Cachet writes decided but not yet acknowledged by Cachet.");
        _skippedSlots = factory.CreateCounter(
            "cachet_monitor_skipped_slots_total",
            "Scheduled checks skipped because the previous check of the endpoint was still running or the loop fell behind.");
        _droppedLogLines = factory.CreateCounter(
            "cachet_monitor_log_lines_dropped_total",
            "Log lines dropped because stderr was not read fast enough (logging never blocks a check).");

        _droppedPoints = factory.CreateCounter(
            "cachet_monitor_metric_points_dropped_total",
            "Metric points dropped because Cachet was slower than the checks (the oldest unsent point of a metric goes first).");
        _coalescedPoints = factory.CreateCounter(
            "cachet_monitor_metric_points_coalesced_total",
            "Metric points averaged into one because the Cachet 3 rate budget was short (each metric's waiting points become one).");
        var droppedWebhooks = factory.CreateCounter(
            "cachet_monitor_webhooks_dropped_total",
            "Webhook events dropped because a webhook was slower than the events (its queue was full; the oldest goes first).");
        _writeLoopFailures = factory.CreateCounter(
            "cachet_monitor_write_loop_errors_total",
            "Unexpected errors in a component's Cachet write loop (each is logged; the loop goes on).");

        _certificateDays = factory.CreateGauge(
            "cachet_monitor_certificate_expiry_days",
            "Days until the server certificate expires, as the last check of an endpoint with a CERTIFICATE_EXPIRATION expectation saw it (negative once expired).",
            "endpoint");

        _metricValueFailures = factory.CreateCounter(
            "cachet_monitor_metric_value_failures_total",
            "Checks of an endpoint with a metric_value whose response yielded no number (not JSON, path missing, not a number, no match): no metric point was pushed for them.",
            "endpoint");

        Registry.AddBeforeCollectCallback(() =>
        {
            _pendingWrites.Set(components.Value.All.Sum(c => c.Pending));
            foreach (var monitor in monitors.Value.Current)
            {
                _componentStatus
                    .WithLabels(monitor.Endpoint.Name, monitor.Endpoint.ComponentId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Set(HostInterop.StatusCode(monitor.Component.State.Shown));
                _inMaintenance.WithLabels(monitor.Endpoint.Name).Set(monitor.Component.State.Quiet.Maintenance.Contains(monitor.Endpoint.Name) ? 1 : 0);
            }
            offline.Set(runState?.Offline is null ? 0 : 1);
            var skipped = statistics.SkippedSlots;
            _skippedSlots.Inc(Math.Max(0, skipped - Interlocked.Exchange(ref _skippedReported, skipped)));
            var dropped = counters.DroppedMetricPoints;
            _droppedPoints.Inc(Math.Max(0, dropped - Interlocked.Exchange(ref _droppedReported, dropped)));
            var coalesced = counters.CoalescedMetricPoints;
            _coalescedPoints.Inc(Math.Max(0, coalesced - Interlocked.Exchange(ref _coalescedReported, coalesced)));
            var failures = counters.WriteLoopFailures;
            _writeLoopFailures.Inc(Math.Max(0, failures - Interlocked.Exchange(ref _failuresReported, failures)));
            if (logs is not null)
            {
                _droppedLogLines.IncTo(logs.Dropped);
            }
            if (webhooks is not null)
            {
                droppedWebhooks.IncTo(webhooks.Dropped);
            }
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>The series of one endpoint.</summary>
    public EndpointMetrics For(Endpoint endpoint) =>
        new(
            _checks.WithLabels(endpoint.Name, "pass"),
            _checks.WithLabels(endpoint.Name, "fail"),
            _checkDuration,
            // Only endpoints that read a certificate get the series.
            endpoint.NeedsCertificate ? _certificateDays.WithLabels(endpoint.Name) : null,
            // Only endpoints that push a metric_value get the series (at 0 until a value cannot be read).
            endpoint.PushesMetricValue ? _metricValueFailures.WithLabels(endpoint.Name) : null);

    /// <summary>Drops the series of an endpoint that hot reload removed.</summary>
    public void Forget(Endpoint endpoint)
    {
        _checks.RemoveLabelled(endpoint.Name, "pass");
        _checks.RemoveLabelled(endpoint.Name, "fail");
        _inMaintenance.RemoveLabelled(endpoint.Name);
        if (endpoint.NeedsCertificate)
        {
            _certificateDays.RemoveLabelled(endpoint.Name);
        }
        if (endpoint.PushesMetricValue)
        {
            _metricValueFailures.RemoveLabelled(endpoint.Name);
        }
        _componentStatus.RemoveLabelled(endpoint.Name, endpoint.ComponentId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Counts one Cachet call.</summary>
    public void CachetCall(string operation, string outcome) => _cachetCalls.WithLabels(operation, outcome).Inc();
}

/// <summary>One endpoint's check series.</summary>
public sealed class EndpointMetrics(
    Counter.Child passed, Counter.Child failed, Histogram latency, Gauge.Child? certificateDays = null, Counter.Child? metricValueFailures = null)
{
    /// <summary>Counts a check whose response yielded no metric_value.</summary>
    public void MetricValueFailed() => metricValueFailures?.Inc();

    /// <summary>Sets the certificate's days left when the check saw one.</summary>
    public void Observed(Observation observation)
    {
        if (certificateDays is not null && observation is Observation.Responded { Item.Certificate.Value: { } certificate })
        {
            certificateDays.Set(CertificateModule.daysLeft(certificate));
        }
    }

    public void Checked(Verdict verdict)
    {
        switch (verdict)
        {
            case Verdict.Passed pass:
                passed.Inc();
                latency.Observe(pass.latencySeconds);
                break;
            case Verdict.Failed fail:
                failed.Inc();
                if (fail.Item.LatencySeconds is { } seconds)
                {
                    latency.Observe(seconds.Value);
                }
                break;
        }
    }
}
