using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>
/// Cachet 3.x request validation (spatie/laravel-data over Laravel rules): each call checks one field, stops at its
/// first failure and records <c>(field, message)</c> with Laravel 11's wording; absent optional fields are skipped.
/// </summary>
internal sealed class Cachet3Rules(CachetInput input)
{
    private readonly List<(string Field, string Message)> failures = [];

    /// <summary>The failures so far, in rule order.</summary>
    public IReadOnlyList<(string Field, string Message)> Failures => failures;

    /// <summary>Whether every rule passed so far.</summary>
    public bool IsValid => failures.Count == 0;

    /// <summary>Whether the field was sent with a non-empty value.</summary>
    public bool Given(string key) => !input.IsEmpty(key);

    /// <summary><c>[required] string [max:N]</c>.</summary>
    public string? Text(string key, bool required = false, int? max = null) =>
        Present(key, required) is not { } node ? null : TextOf(key, node, max);

    /// <summary><c>[required] integer</c> whose value must be one of <paramref name="allowed"/> (an enum) or ≥ <paramref name="min"/>.</summary>
    public int? Int(string key, bool required = false, IReadOnlySet<int>? allowed = null, int? min = null) =>
        Present(key, required) is not { } node ? null : IntOf(key, node, allowed, min);

    /// <summary><c>numeric</c>.</summary>
    public double? Number(string key, bool required = false)
    {
        if (Present(key, required) is not { } node)
            return null;
        return CachetInput.TryNumber(node, out var value) ? value : Fail<double?>(key, $"The {Name(key)} field must be a number.");
    }

    /// <summary><c>boolean</c>: true, false, 1, 0, "1", "0".</summary>
    public bool? Bool(string key)
    {
        if (Present(key, false) is not { } node)
            return null;
        return CachetInput.TryStrictBool(node, out var value) ? value : Fail<bool?>(key, $"The {Name(key)} field must be true or false.");
    }

    /// <summary><c>url</c> with an http or https scheme.</summary>
    public string? Url(string key)
    {
        var text = Text(key);
        return text is null || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? text
            : Fail<string?>(key, $"The {Name(key)} field must be a valid URL.");
    }

    /// <summary><c>nullable|array</c>: a JSON object or list.</summary>
    public JsonNode? Array(string key)
    {
        if (Present(key, false) is not { } node)
            return null;
        return node is JsonObject or JsonArray ? node : Fail<JsonNode?>(key, $"The {Name(key)} field must be an array.");
    }

    /// <summary>A date: a string .NET can read as a time (offset-less = UTC, the fake's app time zone) or Unix seconds.</summary>
    public DateTimeOffset? Date(string key)
    {
        if (Present(key, false) is not { } node)
            return null;
        if (CachetInput.TryInt(node, out var unix))
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        if (node.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            return at;
        return Fail<DateTimeOffset?>(key, $"The {Name(key)} field must be a valid date.");
    }

    /// <summary>Records a failure of a rule checked by the caller.</summary>
    public void Add(string key, string message) => failures.Add((key, message));

    /// <summary>An element of a nested field (e.g. <c>components.0.id</c>) checked as an integer.</summary>
    public int? NestedInt(string key, JsonNode? node, IReadOnlySet<int>? allowed = null) =>
        node is null || IsEmpty(node) ? Fail<int?>(key, $"The {Name(key)} field is required.") : IntOf(key, node, allowed, null);

    private string? TextOf(string key, JsonNode node, int? max)
    {
        if (node.GetValueKind() != JsonValueKind.String)
            return Fail<string?>(key, $"The {Name(key)} field must be a string.");
        var text = node.GetValue<string>();
        return max is { } limit && text.Length > limit
            ? Fail<string?>(key, $"The {Name(key)} field must not be greater than {limit} characters.")
            : text;
    }

    private int? IntOf(string key, JsonNode node, IReadOnlySet<int>? allowed, int? min)
    {
        if (!CachetInput.TryInt(node, out var value) || value is < int.MinValue or > int.MaxValue)
            return Fail<int?>(key, allowed is null ? $"The {Name(key)} field must be an integer." : $"The selected {Name(key)} is invalid.");
        if (allowed is not null && !allowed.Contains((int)value))
            return Fail<int?>(key, $"The selected {Name(key)} is invalid.");
        if (min is { } lo && value < lo)
            return Fail<int?>(key, $"The {Name(key)} field must be at least {lo}.");
        return (int)value;
    }

    private JsonNode? Present(string key, bool required)
    {
        if (!input.IsEmpty(key))
            return input.Get(key);
        if (required)
            failures.Add((key, $"The {Name(key)} field is required."));
        return null;
    }

    private static bool IsEmpty(JsonNode node) =>
        node.GetValueKind() switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.String => node.GetValue<string>().Trim().Length == 0,
            _ => false,
        };

    private T Fail<T>(string key, string message)
    {
        failures.Add((key, message));
        return default!;
    }

    private static string Name(string key) => key.Replace('_', ' ');
}
