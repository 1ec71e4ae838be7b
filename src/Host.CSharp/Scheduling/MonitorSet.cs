using System.Collections.Concurrent;

namespace CachetMonitor.Host.Scheduling;

/// <summary>
/// The endpoint monitors currently running. Hot reload replaces members; the scheduler picks up the ones added
/// and drops retired ones at its next turn.
/// </summary>
public sealed class MonitorSet
{
    private readonly object _lock = new();
    private readonly ConcurrentQueue<EndpointMonitor> _added = new();
    private IReadOnlyList<EndpointMonitor> _current;

    public MonitorSet(IEnumerable<EndpointMonitor> initial)
    {
        _current = initial.ToList();
    }

    /// <summary>A snapshot of the running monitors.</summary>
    public IReadOnlyList<EndpointMonitor> Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Retires <paramref name="removed"/> and schedules <paramref name="added"/>.</summary>
    public void Change(IReadOnlyCollection<EndpointMonitor> added, IReadOnlyCollection<EndpointMonitor> removed)
    {
        lock (_lock)
        {
            foreach (var monitor in removed)
            {
                monitor.Retire();
            }
            _current = _current.Where(m => !removed.Contains(m)).Concat(added).ToList();
            foreach (var monitor in added)
            {
                _added.Enqueue(monitor);
            }
        }
    }

    /// <summary>For the scheduler: the next monitor added since it last looked.</summary>
    public bool TryTakeAdded(out EndpointMonitor monitor) => _added.TryDequeue(out monitor!);
}
