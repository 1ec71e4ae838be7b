using System.Globalization;

namespace CachetMonitor.FakeServers;

/// <summary>An auto-increment table (ids are never reused, as in MySQL). Not thread-safe: the fake locks around it.</summary>
internal sealed class CachetTable<T>
    where T : class
{
    private readonly SortedDictionary<int, T> rows = [];
    private int lastId;

    /// <summary>Allocates the next id.</summary>
    public int NextId() => ++lastId;

    /// <summary>The row with this id, or null.</summary>
    public T? Find(int id) => rows.GetValueOrDefault(id);

    /// <summary>The row named by a route segment (digits only), or null.</summary>
    public T? Find(string routeId) =>
        int.TryParse(routeId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? Find(id) : null;

    /// <summary>Inserts or replaces a row.</summary>
    public T Put(int id, T row)
    {
        rows[id] = row;
        return row;
    }

    /// <summary>Deletes a row; false if it did not exist.</summary>
    public bool Remove(int id) => rows.Remove(id);

    /// <summary>Every row, by id.</summary>
    public IReadOnlyList<T> All => [.. rows.Values];
}
