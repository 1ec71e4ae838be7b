using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// Reads Cachet's maintenance schedules: 2.4's objects (<c>status</c>, <c>scheduled_at</c>/<c>completed_at</c> as
/// <c>"Y-m-d H:i"</c> in the app's time zone, read as UTC, Cachet's default; <c>components[].component_id</c>) and 3.x's
/// JSON:API records (<c>status {value}</c>, the components as a relationship).
/// </summary>
internal static class CachetScheduleData
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "o"];

    /// <summary>A 2.4 schedule object.</summary>
    public static CachetSchedule Schedule2(JsonNode? node)
    {
        var o = CachetData.Object(node, "schedule");
        var components = (o["components"] as JsonArray ?? [])
            .Select(c => CachetData.Int(CachetData.Object(c, "schedule component"), "component_id"));
        return HostInterop.Schedule(
            CachetData.Int(o, "id"), CachetData.Text(o, "name"), CachetData.OptionalInt(o, "status"), Time(o["scheduled_at"]), Time(o["completed_at"]), components);
    }

    /// <summary>A 3.x schedule record with its components relationship.</summary>
    public static CachetSchedule Schedule3(JsonNode? node)
    {
        var attributes = CachetData.Object(CachetData.Object(node, "schedule")["attributes"], "schedule attributes");
        var status = attributes["status"] is JsonObject value ? CachetData.OptionalInt(value, "value") : CachetData.OptionalInt(attributes, "status");
        var components = (node?["relationships"]?["components"]?["data"] as JsonArray ?? []).Select(Cachet3Data.Id);
        return HostInterop.Schedule(
            Cachet3Data.Id(node),
            CachetData.Text(attributes, "name"),
            status,
            Time(attributes["scheduled"] ?? attributes["scheduled_at"]),
            Time(attributes["completed"] ?? attributes["completed_at"]),
            components);
    }

    /// <summary>A date as Cachet writes it (a string, or 3.x's <c>{human, string}</c> object), as UTC.</summary>
    private static DateTimeOffset? Time(JsonNode? node)
    {
        var text = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject { } o when o["string"] is JsonValue v && v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => null,
        };
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed) ? parsed : null;
    }
}
