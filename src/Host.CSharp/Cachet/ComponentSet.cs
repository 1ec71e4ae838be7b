namespace CachetMonitor.Host.Cachet;

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
