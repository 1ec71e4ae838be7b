using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>
/// Cachet 3.x's JSON shapes: JSON:API documents (string ids, attributes, relationships, included), <c>{human, value}</c>
/// statuses, <c>{human, string}</c> times, Laravel's simple pagination and plain Laravel error bodies.
/// </summary>
internal static class Cachet3Json
{
    /// <summary>The media type of resource answers.</summary>
    public const string ApiContentType = "application/vnd.api+json";

    /// <summary>The labels of the component statuses 1–6.</summary>
    public static string ComponentStatusLabel(int value) => value switch
    {
        1 => "Operational",
        2 => "Performance Issues",
        3 => "Partial Outage",
        4 => "Major Outage",
        5 => "Unknown",
        6 => "Under Maintenance",
        _ => "",
    };

    /// <summary>The labels of the incident statuses 0–4.</summary>
    public static string IncidentStatusLabel(int value) => value switch
    {
        0 => "Reported",
        1 => "Investigating",
        2 => "Identified",
        3 => "Watching",
        4 => "Fixed",
        _ => "",
    };

    /// <summary>A status-like field: <c>{"human": label, "value": n}</c>.</summary>
    public static JsonObject Status(string human, int value) => new() { ["human"] = human, ["value"] = value };

    /// <summary>A time field: <c>{"human": "…", "string": "Y-m-d H:i:s"}</c> in the app time zone (UTC here), no offset.</summary>
    public static JsonObject Time(DateTimeOffset? time, DateTimeOffset now) => new()
    {
        ["human"] = time is { } t ? Human(now - t) : null,
        ["string"] = time is { } at ? CachetJson.Timestamp(at) : null,
    };

    private static string Human(TimeSpan ago) =>
        ago.TotalMinutes < 1 ? $"{Math.Max((int)ago.TotalSeconds, 1)} seconds ago" : $"{(int)ago.TotalMinutes} minutes ago";

    /// <summary>One JSON:API resource object.</summary>
    public static JsonObject Resource(string type, int id, JsonObject attributes, JsonObject? relationships = null) => new()
    {
        ["id"] = id.ToString(CultureInfo.InvariantCulture),
        ["type"] = type,
        ["attributes"] = attributes,
        ["relationships"] = relationships ?? [],
        ["meta"] = new JsonObject(),
        ["links"] = new JsonObject(),
    };

    /// <summary>A resource identifier (what a relationship lists).</summary>
    public static JsonObject Identifier(string type, int id) => new()
    {
        ["type"] = type,
        ["id"] = id.ToString(CultureInfo.InvariantCulture),
        ["meta"] = new JsonObject(),
    };

    /// <summary>A single-resource document with <paramref name="status"/> (200, or 201 for a create).</summary>
    public static ApiReply Document(JsonNode data, IReadOnlyList<JsonObject>? included = null, int status = 200)
    {
        var body = new JsonObject { ["data"] = data };
        if (included is { Count: > 0 })
            body["included"] = new JsonArray([.. included]);
        body["jsonapi"] = new JsonObject { ["version"] = "1.0", ["meta"] = new JsonObject() };
        return new ApiReply(status, body, ContentType(ApiContentType));
    }

    /// <summary>A plain JSON answer (<c>/ping</c>, <c>/version</c>, <c>/status</c>).</summary>
    public static ApiReply Plain(JsonNode data) => new(200, new JsonObject { ["data"] = data });

    /// <summary>
    /// Laravel's simple pagination of a collection: <c>per_page</c> clamped to 1–100 (default 15), <c>page</c> from 1;
    /// <c>meta</c> has no total; <c>links</c> has <c>first</c> and only the <c>prev</c>/<c>next</c> that exist.
    /// </summary>
    public static ApiReply Collection<T>(
        IReadOnlyList<T> rows, Func<T, JsonObject> render, CachetInput input, string requestUrl, Func<T, IEnumerable<JsonObject>>? include = null)
    {
        var perPage = CachetInput.TryInt(input.Get("per_page"), out var pp) ? (int)Math.Clamp(pp, 1, 100) : 15;
        var page = CachetInput.TryInt(input.Get("page"), out var p) && p >= 1 ? (int)Math.Min(p, 1_000_000) : 1;
        var skip = (int)Math.Min((long)(page - 1) * perPage, rows.Count);
        var items = rows.Skip(skip).Take(perPage).ToArray();
        var hasMore = rows.Count > skip + perPage;
        string Link(int n) => $"{requestUrl}?page={n.ToString(CultureInfo.InvariantCulture)}";
        var links = new JsonObject { ["first"] = Link(1) };
        if (page > 1)
            links["prev"] = Link(page - 1);
        if (hasMore)
            links["next"] = Link(page + 1);
        var body = new JsonObject
        {
            ["data"] = new JsonArray([.. items.Select(render)]),
            ["links"] = links,
            ["meta"] = new JsonObject
            {
                ["current_page"] = page,
                ["from"] = items.Length > 0 ? skip + 1 : null,
                ["path"] = requestUrl,
                ["per_page"] = perPage,
                ["to"] = items.Length > 0 ? skip + items.Length : null,
            },
        };
        if (include is not null)
        {
            var included = items.SelectMany(include).DistinctBy(o => (o["type"]?.ToString(), o["id"]?.ToString())).ToArray();
            if (included.Length > 0)
                body["included"] = new JsonArray([.. included]);
        }

        body["jsonapi"] = new JsonObject { ["version"] = "1.0", ["meta"] = new JsonObject() };
        return new ApiReply(200, body, ContentType(ApiContentType));
    }

    /// <summary>A Laravel error body <c>{"message": …}</c>.</summary>
    public static ApiReply Error(int status, string? message = null) =>
        new(status, new JsonObject { ["message"] = message ?? StandardMessage(status) });

    /// <summary>A 422 validation failure: the first message (and how many more) and every field's messages.</summary>
    public static ApiReply Invalid(IReadOnlyList<(string Field, string Message)> failures)
    {
        var more = failures.Count - 1;
        var message = failures[0].Message + (more > 0 ? $" (and {more} more error{(more > 1 ? "s" : "")})" : "");
        var errors = new JsonObject();
        foreach (var group in failures.GroupBy(f => f.Field))
            errors[group.Key] = new JsonArray([.. group.Select(f => (JsonNode?)f.Message)]);
        return new ApiReply(422, new JsonObject { ["message"] = message, ["errors"] = errors });
    }

    /// <summary>A 404 for a missing record of a Cachet model.</summary>
    public static ApiReply ModelNotFound(string model, string id) =>
        Error(404, $"No query results for model [Cachet\\Models\\{model}] {id}");

    private static string StandardMessage(int status) => status switch
    {
        401 => "Unauthenticated.",
        403 => "Invalid ability provided.",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Attempts.",
        503 => "Service Unavailable",
        >= 500 => "Server Error",
        _ => "Error",
    };

    private static Dictionary<string, string> ContentType(string type) => new() { ["Content-Type"] = type };
}
