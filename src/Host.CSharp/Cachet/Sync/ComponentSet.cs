using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// The components being kept true, by id; a component hot reload removed stays (retiring) until our incident on it
/// is resolved and our status put back.
/// </summary>
public sealed class ComponentSet
{
    private readonly object _lock = new();
    private Dictionary<int, ComponentSync> _current;
    private List<ComponentSync> _retiring = [];

    public ComponentSet(IEnumerable<ComponentSync> initial)
    {
        _current = initial.ToDictionary(c => c.ComponentId);
    }

    /// <summary>The monitored components.</summary>
    public IReadOnlyCollection<ComponentSync> Current
    {
        get
        {
            lock (_lock)
            {
                return _current.Values.ToList();
            }
        }
    }

    /// <summary>Every component with writes to finish: the monitored ones and those retiring.</summary>
    public IReadOnlyCollection<ComponentSync> All
    {
        get
        {
            lock (_lock)
            {
                _retiring = _retiring.Where(c => !c.Settled).ToList();
                return _current.Values.Concat(_retiring).ToList();
            }
        }
    }

    public ComponentSync? Find(int componentId)
    {
        lock (_lock)
        {
            return _current.GetValueOrDefault(componentId);
        }
    }

    /// <summary>
    /// Applies a reload's plans: a component still configured keeps its sync and gets its new plan (after forgetting
    /// what it knew of Cachet when the Cachet instance changed), a new one gets a sync from <paramref name="create"/>,
    /// and one no longer configured retires: it stays until our incident on it is resolved and our status put back. A
    /// component that comes back while its old sync is still retiring calls that retire off (see <see cref="CallOff"/>).
    /// </summary>
    public Reconfiguration Reconfigure(IReadOnlyList<ComponentPlan> plans, Func<ComponentPlan, ComponentSync> create, bool cachetChanged)
    {
        var kept = new List<ComponentSync>();
        var toAdopt = new List<Adoption>();
        foreach (var plan in plans)
        {
            if (Find(plan.ComponentId) is { } existing)
            {
                if (cachetChanged)
                {
                    existing.Apply(ComponentEvent.CachetChanged);
                    toAdopt.Add(new Adoption(existing, Task.CompletedTask));
                }
                existing.Apply(ComponentEvent.NewReconfigured(plan));
                kept.Add(existing);
            }
            else
            {
                var created = create(plan);
                kept.Add(created);
                toAdopt.Add(new Adoption(created, CallOff(plan.ComponentId)));
            }
        }
        var wanted = plans.Select(p => p.ComponentId).ToHashSet();
        var retired = Current.Where(c => !wanted.Contains(c.ComponentId)).ToList();
        foreach (var gone in retired)
        {
            gone.Apply(ComponentEvent.Retired);
        }
        Replace(kept, retired);
        return new Reconfiguration(toAdopt, retired.Count);
    }

    /// <summary>
    /// A component is back in the config while an old sync of it is still retiring: the old one stops writing (it
    /// forgets Cachet: its queued writes are dropped, the one in flight finishes and is not retried) and is no longer
    /// waited for. Otherwise it would resolve the incident the new sync adopts — which the new one would take for a
    /// person's resolve — and put back a status the new one wants otherwise. Returns the end of its drain, after which
    /// the new sync reads Cachet.
    /// </summary>
    private Task CallOff(int componentId)
    {
        List<ComponentSync> predecessors;
        lock (_lock)
        {
            predecessors = _retiring.Where(c => c.ComponentId == componentId).ToList();
            _retiring.RemoveAll(c => c.ComponentId == componentId);
        }
        foreach (var predecessor in predecessors)
        {
            predecessor.Apply(ComponentEvent.CachetChanged);
        }
        return predecessors.Count == 0 ? Task.CompletedTask : Task.WhenAll(predecessors.Select(p => p.Drain));
    }

    /// <summary>Makes <paramref name="next"/> the monitored set; <paramref name="retired"/> finish their writes.</summary>
    public void Replace(IEnumerable<ComponentSync> next, IEnumerable<ComponentSync> retired)
    {
        lock (_lock)
        {
            _current = next.ToDictionary(c => c.ComponentId);
            _retiring.AddRange(retired);
        }
    }
}
