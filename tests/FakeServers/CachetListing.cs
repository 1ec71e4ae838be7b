using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>A model's table columns (values: <see cref="long"/>, <see cref="string"/> or null), searchable and sortable ones.</summary>
internal sealed record CachetColumns<T>(
    IReadOnlyDictionary<string, Func<T, object?>> Columns,
    IReadOnlySet<string> Searchable,
    IReadOnlySet<string> Sortable);

/// <summary>Cachet's list endpoints: the searchable-trait filter, the always-descending sort, then pagination.</summary>
internal static class CachetListing
{
    /// <summary>
    /// Once one input key (other than <c>sort</c>, <c>order</c>, <c>per_page</c>) names a searchable column, every
    /// such key is a column filter; a key that is no column (e.g. <c>page</c>) is an SQL error, hence 500.
    /// </summary>
    public static ApiReply List<T>(ApiCall call, IEnumerable<T> rows, CachetColumns<T> columns, Func<T, JsonNode> render)
    {
        var input = call.Input;
        var search = input.Keys.Where(k => k is not ("sort" or "order" or "per_page")).ToArray();
        if (search.Any(columns.Searchable.Contains))
        {
            foreach (var key in search)
            {
                if (!columns.Columns.TryGetValue(key, out var column))
                    return CachetJson.Error(500);
                var wanted = input.AsText(key);
                rows = rows.Where(row => SqlEquals(column(row), wanted)).ToArray();
            }
        }

        if (input.AsText("sort") is { } sort && columns.Sortable.Contains(sort))
            rows = rows.OrderByDescending(columns.Columns[sort], SqlOrder.Instance).ToArray();
        return CachetJson.Paginate(rows.ToArray(), render, input, call.RequestUrl);
    }

    /// <summary>MySQL's <c>=</c>: numbers against the string's numeric value, text case-insensitively, NULL never.</summary>
    private static bool SqlEquals(object? value, string? wanted) => (value, wanted) switch
    {
        (null, _) or (_, null) => false,
        (long number, _) => number == SqlNumber(wanted),
        (string text, _) => string.Equals(text, wanted, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>MySQL's string-to-number conversion: the leading numeric prefix, else 0.</summary>
    private static double SqlNumber(string text)
    {
        var trimmed = text.Trim();
        for (var length = trimmed.Length; length > 0; length--)
        {
            if (double.TryParse(trimmed[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                return value;
        }

        return 0;
    }

    private sealed class SqlOrder : IComparer<object?>
    {
        public static readonly SqlOrder Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (long a, long b) => a.CompareTo(b),
            _ => string.Compare(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase),
        };
    }
}
