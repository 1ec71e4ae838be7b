using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet;

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
            Int(o, "id"), Text(o, "name"), Int(o, "status"), OptionalBool(o, "enabled") ?? true, Text(o, "link"));
    }

    /// <summary>A metric object.</summary>
    public static CachetMetric Metric(JsonNode? node)
    {
        var o = Object(node, "metric");
        return new CachetMetric(Int(o, "id"), Text(o, "name"), Text(o, "suffix"), OptionalInt(o, "threshold") ?? 5);
    }

    /// <summary>An incident object.</summary>
    public static CachetIncident Incident(JsonNode? node)
    {
        var o = Object(node, "incident");
        return new CachetIncident(
            Int(o, "id"),
            Text(o, "name"),
            Int(o, "status"),
            OptionalInt(o, "component_id") ?? 0,
            OptionalBool(o, "visible") ?? true,
            Text(o, "message"));
    }

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

    private static string Text(JsonObject o, string field)
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
