using CachetMonitor.Domain;
using CachetMonitor.Host.Cachet.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// Feeds each component its quiet state (the core's <c>Quiet</c>): which of its endpoints are in a maintenance window
/// or a Cachet schedule in progress, and whether the monitor is offline. The state itself lives in the core; this
/// only tells it when the inputs say something else than the component already holds. <see cref="Apply"/> runs every
/// second (<see cref="QuietTimesService"/>) and whenever an input changes.
/// </summary>
public sealed class QuietTimes(
    ComponentSet components, RunState runState, TimeProvider time, ILogger<QuietTimes> logger, FailureSurgeGuard? surge = null)
{
    private readonly object _lock = new();
    private FSharpList<MaintenanceWindow> _windows = FSharpList<MaintenanceWindow>.Empty;
    private IReadOnlyList<CachetSchedule> _schedules = [];
    private volatile ConnectivitySettings? _connectivity;
    private volatile bool _respectSchedules = true;
    // Whether Cachet has an "under maintenance" status (3.x): null until the API is detected.
    private bool? _statusShown;
    // An input changed since the last full pass (config, schedules, Cachet's version): the fast path may not skip.
    private bool _dirty = true;
    private bool _appliedOffline;

    /// <summary>Whether Cachet's schedules count (<c>cachet.respect_schedules</c> of the running config).</summary>
    public bool RespectSchedules => _respectSchedules;

    /// <summary>The connectivity guard's settings of the running config (null: no guard).</summary>
    public ConnectivitySettings? Connectivity => _connectivity;

    /// <summary>
    /// The windows and connectivity settings of the running config (at start and on every reload); the all-failing
    /// heuristic's too.
    /// </summary>
    public void SetConfig(Config config)
    {
        lock (_lock)
        {
            _windows = config.Maintenance;
            _connectivity = config.Connectivity?.Value;
            _respectSchedules = config.Cachet.RespectSchedules;
            _dirty = true;
            WarnStatusNotShown();
        }
        surge?.SetConfig(config);
        Apply();
    }

    /// <summary>
    /// The Cachet API found by version detection: only Cachet 3 has the "under maintenance" status that
    /// <c>maintenance_status: true</c> shows; on 2.x such windows only hold writes back (logged as a warning).
    /// </summary>
    public void SetCachetVersion(bool cachet3)
    {
        lock (_lock)
        {
            _statusShown = cachet3;
            _dirty = true;
            WarnStatusNotShown();
        }
        Apply();
    }

    private void WarnStatusNotShown()
    {
        var shown = _windows.Where(w => w.ShowMaintenance).Select(w => $"\"{w.Name}\"").ToList();
        if (_statusShown == false && shown.Count > 0)
        {
            logger.LogWarning(
                "maintenance_status: true on window {Windows} has no effect: Cachet 2.x has no \"under maintenance\" status (Cachet 3 has); the window still holds writes back",
                string.Join(", ", shown));
        }
    }

    /// <summary>The schedules last read from Cachet (a failed read keeps the last ones: the caller does not call).</summary>
    public void SetSchedules(IReadOnlyList<CachetSchedule> schedules)
    {
        lock (_lock)
        {
            _schedules = schedules;
            _dirty = true;
        }
        Apply();
    }

    /// <summary>The windows open now that cover the endpoint, with the time each closes.</summary>
    public IReadOnlyList<KeyValuePair<string, DateTimeOffset>> OpenWindows(string endpoint)
    {
        lock (_lock)
        {
            return HostInterop.OpenWindows(_windows, time.GetUtcNow(), endpoint);
        }
    }

    /// <summary>
    /// Tells every component whose quiet state changed. Without windows and schedules, and with the offline state as
    /// last applied, nothing can have changed: the per-second pass returns at once (no per-component work).
    /// </summary>
    public void Apply()
    {
        lock (_lock)
        {
            var offline = runState.Offline is not null;
            if (!_dirty && _windows.IsEmpty && _schedules.Count == 0 && offline == _appliedOffline)
            {
                return;
            }
            _dirty = false;
            _appliedOffline = offline;
            var now = time.GetUtcNow();
            var scheduled = HostInterop.ScheduledComponents(_schedules, now);
            foreach (var component in components.Current)
            {
                var quiet = HostInterop.QuietAt(component.Plan, _windows, now, _statusShown == true, scheduled.Contains(component.ComponentId), offline);
                var before = component.State.Quiet;
                if (quiet.Equals(before))
                {
                    continue;
                }
                LogMaintenance(component.ComponentId, before.Maintenance, quiet.Maintenance, scheduled.Contains(component.ComponentId));
                component.Apply(HostInterop.Quieted(quiet));
            }
        }
    }

    private void LogMaintenance(int componentId, FSharpSet<string> before, FSharpSet<string> after, bool scheduled)
    {
        foreach (var entered in after.Where(e => !before.Contains(e)))
        {
            var why = scheduled ? "a Cachet schedule in progress" : string.Join(", ", OpenWindowNames(entered));
            logger.LogInformation(
                "Endpoint {Endpoint} (component {ComponentId}) is in maintenance ({Why}): checks go on, nothing worse than Cachet shows is written",
                entered, componentId, why);
        }
        foreach (var left in before.Where(e => !after.Contains(e)))
        {
            logger.LogInformation(
                "Endpoint {Endpoint} (component {ComponentId}) left maintenance: its current state is applied", left, componentId);
        }
    }

    private IEnumerable<string> OpenWindowNames(string endpoint) =>
        HostInterop.OpenWindows(_windows, time.GetUtcNow(), endpoint).Select(w => $"window \"{w.Key}\" until {w.Value:u}");
}
