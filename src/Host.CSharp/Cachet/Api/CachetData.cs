using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// Reads Cachet's JSON objects leniently (ints may come as numeric strings, booleans as 0/1) and reports a wrong
/// shape as a <see cref="FormatException"/>, which the client turns into <see cref="CachetApiErrorKind.MalformedResponse"/>.
/// </summary>
internal static class CachetData
{
    /// <summary>A component object.</summary>
    public static CachetComponent Component(JsonNode? node)
    {
        var o = Object(node, "component");
        return new CachetComponent(
            new ComponentId(Int(o, "id")), Text(o, "name"), Int(o, "status"), OptionalBool(o, "enabled") ?? true, Text(o, "link"));
    }

    /// <summary>A metric object.</summary>
    public static CachetMetric Metric(JsonNode? node)
    {
        var o = Object(node, "metric");
        return new CachetMetric(new MetricId(Int(o, "id")), Text(o, "name"), Text(o, "suffix"), OptionalInt(o, "threshold") ?? 5);
    }

    /// <summary>An incident object.</summary>
    public static CachetIncident Incident(JsonNode? node)
    {
        var o = Object(node, "incident");
        return new CachetIncident(
            new IncidentId(Int(o, "id")),
            Text(o, "name"),
            Int(o, "status"),
            // Cachet 2 stores 0 for "no component".
            OptionalInt(o, "component_id") is > 0 and var component ? new ComponentId(component) : null,
            OptionalBool(o, "visible") ?? true,
            Text(o, "message"),
            MonitorTag(o["meta"]));
    }

    /// <summary>
    /// <c>total_pages</c> of a list answer, or null when it has no pagination object (a wrongly typed number is a
    /// <see cref="FormatException"/>).
    /// </summary>
    public static int? TotalPages(JsonObject root) =>
        root["meta"] is JsonObject meta && meta["pagination"] is JsonObject pagination
            ? OptionalInt(pagination, "total_pages")
            : null;

    /// <summary>
    /// The incident's <see cref="CachetIncident.MonitorTagKey"/> meta value. Cachet 2.4 renders meta as an object of
    /// key → value (<c>[]</c> when empty); a build that leaves the relation unformatted gives its rows
    /// (<c>[{"key":…,"value":…}]</c>). Anything else, or no such key, is no tag: an incident's meta is never worth
    /// failing the whole answer for.
    /// </summary>
    private static string? MonitorTag(JsonNode? meta) => meta switch
    {
        JsonObject byKey => TagText(byKey[CachetIncident.MonitorTagKey]),
        JsonArray rows => rows
            .OfType<JsonObject>()
            .Where(row => row["key"] is JsonValue key
                && key.GetValueKind() == JsonValueKind.String
                && key.GetValue<string>() == CachetIncident.MonitorTagKey)
            .Select(row => TagText(row["value"]))
            .FirstOrDefault(),
        _ => null,
    };

    /// <summary>A tag value: a string as it is, a number as written (a numeric tag may come back as one).</summary>
    private static string? TagText(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    /// <summary>A JSON array.</summary>
    public static JsonArray Array(JsonNode? node, string what) =>
        node as JsonArray ?? throw new FormatException($"expected a list of {what}");

    /// <summary>A JSON object.</summary>
    public static JsonObject Object(JsonNode? node, string what) =>
        node as JsonObject ?? throw new FormatException($"expected a {what} object");

    /// <summary>A required integer field.</summary>
    public static int Int(JsonObject o, string field) =>
        OptionalInt(o, field) ?? throw new FormatException($"missing integer field '{field}'");

    /// <summary>
    /// An optional integer field. Like PHP, a numeric string (<c>"7"</c>, which PDO gives for MySQL ints) or a whole
    /// float (<c>7.0</c>) is that integer; a fraction or a number beyond 32 bits is a wrong shape, not a rounding.
    /// </summary>
    public static int? OptionalInt(JsonObject o, string field)
    {
        var node = o[field];
        var number = node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => (decimal?)null,
            JsonValueKind.Number when node.AsValue().TryGetValue<decimal>(out var n) => n,
            JsonValueKind.String when decimal.TryParse(
                node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new FormatException($"field '{field}' is not an integer"),
        };
        return number switch
        {
            null => null,
            { } whole when whole == decimal.Truncate(whole) && whole is >= int.MinValue and <= int.MaxValue => (int)whole,
            _ => throw new FormatException($"field '{field}' is not a 32-bit integer"),
        };
    }

    private static bool? OptionalBool(JsonObject o, string field)
    {
        var node = o[field];
        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => OptionalInt(o, field) switch
            {
                0 => false,
                1 => true,
                _ => throw new FormatException($"field '{field}' is not a boolean"),
            },
        };
    }

    public static string Text(JsonObject o, string field)
    {
        var node = o[field];
        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => "",
            JsonValueKind.String => node.GetValue<string>(),
            _ => throw new FormatException($"field '{field}' is not a string"),
        };
    }
}
