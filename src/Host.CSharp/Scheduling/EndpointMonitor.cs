using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet;
using CachetMonitor.Host.Observability;
using CachetMonitor.Host.Webhooks;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// One endpoint's monitor: feeds each verdict to the core's state machine and hands the commands it returns to
/// Cachet (via <see cref="EndpointSync"/>) and the webhooks. Until Cachet's starting state is known, verdicts
/// are kept (as many as a threshold spans) and replayed onto the adopted state.
/// </summary>
public sealed class EndpointMonitor
{
    private readonly object _lock = new();
    private readonly Policy _policy;
    private readonly Queue<Verdict> _beforeAdoption = new();
    private readonly int _replayDepth;
    private readonly WebhookSender _webhooks;
    private readonly ILogger _logger;
    private MonitorState _state = MonitorCore.InitialState;
    private bool _adopted;

    private readonly EndpointMetrics? _metrics;

    public EndpointMonitor(Endpoint endpoint, EndpointSync sync, WebhookSender webhooks, ILogger logger, EndpointMetrics? metrics = null)
    {
        _metrics = metrics;
        Endpoint = endpoint;
        Sync = sync;
        _webhooks = webhooks;
        _logger = logger;
        _policy = MonitorCore.PolicyOf(endpoint);
        _replayDepth = Math.Max(endpoint.AllowedFails + 1, endpoint.SuccessThreshold);
    }

    public Endpoint Endpoint { get; }

    public EndpointSync Sync { get; }

    /// <summary>True once hot reload removed or replaced this endpoint: the scheduler stops checking it.</summary>
    public bool Retired => _retired;

    private volatile bool _retired;

    /// <summary>Stops scheduling this monitor; its pending Cachet writes still drain.</summary>
    public void Retire() => _retired = true;

    /// <summary>The component status the core believes Cachet shows (for observability).</summary>
    public ComponentStatus Shown
    {
        get
        {
            lock (_lock)
            {
                return _state.Shown;
            }
        }
    }

    /// <summary>Starts from what Cachet showed at start-up and replays the verdicts seen meanwhile.</summary>
    public void Adopt(ComponentStatus status, int? openIncidentId)
    {
        lock (_lock)
        {
            _state = MonitorCore.Adopt(_policy, status, openIncidentId);
            _adopted = true;
            // Debug: at start-up this runs once per endpoint (10,000 lines would stall the console logger);
            // CachetSyncService logs one summary line at Information.
            _logger.LogDebug(
                "Adopted Cachet state: component {ComponentId} status {Status}{Incident}",
                Endpoint.ComponentId, ComponentStatusModule.toCode(status), openIncidentId is { } i ? $", open incident {i}" : "");
            while (_beforeAdoption.TryDequeue(out var verdict))
            {
                ApplyLocked(verdict, checkStartedUnixSeconds: 0, replay: true);
            }
        }
        Sync.MarkReady(ComponentStatusModule.toCode(status), openIncidentId);
    }

    /// <summary>Starts with nothing known about Cachet (dry run).</summary>
    public void StartUnknown()
    {
        lock (_lock)
        {
            _adopted = true;
        }
        Sync.MarkReady(null, null);
    }

    /// <summary>Feeds one check's verdict to the state machine.</summary>
    public void OnVerdict(Verdict verdict, long checkStartedUnixSeconds)
    {
        _metrics?.Checked(verdict);
        lock (_lock)
        {
            if (!_adopted)
            {
                _beforeAdoption.Enqueue(verdict);
                if (_beforeAdoption.Count > _replayDepth)
                {
                    _beforeAdoption.Dequeue();
                }
                return;
            }
            ApplyLocked(verdict, checkStartedUnixSeconds, replay: false);
        }
    }

    private void ApplyLocked(Verdict verdict, long checkStartedUnixSeconds, bool replay)
    {
        var wasDown = _state.Down;
        var result = MonitorCore.Step(_policy, _state, verdict);
        var (next, commands) = (result.State, result.Commands);
        _state = next;
        if (commands.Count == 0)
        {
            return;
        }
        // A replayed check's metric point has no trustworthy timestamp: leave it out.
        var toCachet = replay ? commands.Where(c => !c.IsPushMetric).ToList() : (IEnumerable<MonitorCommand>)commands;
        LogTransition(wasDown, next, verdict);
        foreach (var command in commands)
        {
            if (command is MonitorCommand.NotifyWebhooks notify)
            {
                _webhooks.Notify(Endpoint.Name, notify.Item);
            }
        }
        Sync.Enqueue(toCachet, checkStartedUnixSeconds);
    }

    private void LogTransition(Microsoft.FSharp.Core.FSharpOption<Severity>? before, MonitorState after, Verdict verdict)
    {
        var message = verdict is Verdict.Failed failed ? failed.Item.Message : "all expectations passed";
        if (before is null && after.Down is { } down)
        {
            _logger.LogWarning("Down ({Severity}): {Message}", SeverityModule.name(down.Value), message);
        }
        else if (before is not null && after.Down is null)
        {
            _logger.LogInformation("Recovered: {Message}", message);
        }
        else if (before is { } was && after.Down is { } now && !was.Value.Equals(now.Value))
        {
            _logger.LogWarning("Severity changed to {Severity}: {Message}", SeverityModule.name(now.Value), message);
        }
    }
}
