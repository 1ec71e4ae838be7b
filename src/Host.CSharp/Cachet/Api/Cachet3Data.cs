using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// Reads Cachet 3's JSON:API records into the monitor's types: <c>attributes</c> of a resource, <c>{human, value}</c>
/// statuses (the value only: the label is translated), string ids. Component statuses come back as the 2.x codes the
/// core speaks: 1–4 and 6 (under maintenance) as they are, 5 (unknown) as 0. A wrong shape is a <see cref="FormatException"/>.
/// </summary>
internal static class Cachet3Data
{
    /// <summary>The Cachet 3 code of a core (2.x) component status: 2.x "unknown" (0, invalid on 3.x) is 5.</summary>
    public static int ToCachet3Status(int code) => code == 0 ? 5 : code;

    /// <summary>The core code of a Cachet 3 component status: 1–4 and 6 (under maintenance) as they are, anything else unknown (0).</summary>
    public static int FromCachet3Status(int code) => code is (>= 1 and <= 4) or 6 ? code : 0;

    /// <summary>A component resource; its status is the baseline (what operators and monitors set).</summary>
    public static CachetComponent Component(JsonNode? node)
    {
        var a = Attributes(node, "component");
        return new CachetComponent(
            new ComponentId(Id(node)), Text(a, "name"), FromCachet3Status(StatusValue(a, "status")), a["enabled"]?.GetValueKind() != JsonValueKind.False, Text(a, "link"));
    }

    /// <summary>A metric resource.</summary>
    public static CachetMetric Metric(JsonNode? node)
    {
        var a = Attributes(node, "metric");
        return new CachetMetric(new MetricId(Id(node)), Text(a, "name"), Text(a, "suffix"), Number(a, "threshold") ?? 5);
    }

    /// <summary>
    /// An incident resource, once per attached component (with its impact when <paramref name="impacts"/> knows it
    /// unambiguously), or once with no component when it has none.
    /// </summary>
    public static IEnumerable<CachetIncident> Incidents(JsonNode? node, IReadOnlyDictionary<int, int?> impacts)
    {
        var a = Attributes(node, "incident");
        var incident = new CachetIncident(
            new IncidentId(Id(node)),
            Text(a, "name"),
            StatusValue(a, "status"),
            null,
            (Number(a, "visible") ?? 0) == 1,
            Text(a, "message"),
            a["meta"] is JsonObject meta && meta[CachetIncident.MonitorTagKey] is JsonValue tag && tag.GetValueKind() == JsonValueKind.String
                ? tag.GetValue<string>()
                : null);
        var linked = Related(node, "components").ToArray();
        return linked.Length == 0
            ? [incident]
            : linked.Select(cid => incident with
            {
                ComponentId = new ComponentId(cid),
                ComponentStatus = impacts.GetValueOrDefault(cid) is { } status ? FromCachet3Status(status) : null,
            });
    }

    /// <summary>
    /// The impact each included component carries (<c>pivot.component_status</c>); null for a component that more
    /// than one incident of <paramref name="incidents"/> links (JSON:API includes it once, with one incident's pivot).
    /// </summary>
    public static IReadOnlyDictionary<int, int?> Impacts(JsonObject root, JsonArray incidents)
    {
        var links = incidents.SelectMany(i => Related(i, "components")).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var impacts = new Dictionary<int, int?>();
        foreach (var included in (root["included"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (included["type"]?.ToString() != "components")
                continue;
            var id = Id(included);
            var pivot = Attributes(included, "component")["pivot"] as JsonObject;
            impacts[id] = links.GetValueOrDefault(id) == 1 && pivot is not null ? StatusValue(pivot, "component_status") : null;
        }

        return impacts;
    }

    /// <summary>The id of a resource: <c>data.id</c> is a string of digits.</summary>
    public static int Id(JsonNode? node)
    {
        var id = CachetData.Object(node, "resource")["id"];
        var text = id?.GetValueKind() switch
        {
            JsonValueKind.String => id.GetValue<string>(),
            JsonValueKind.Number => id.ToJsonString(),
            _ => throw new FormatException("missing resource id"),
        };
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"resource id '{text}' is not an integer");
    }

    /// <summary>Whether a collection has a further page (<c>links.next</c> present and not null).</summary>
    public static bool HasNext(JsonObject root) =>
        root["links"] is JsonObject links && links["next"] is { } next && next.GetValueKind() != JsonValueKind.Null;

    private static IEnumerable<int> Related(JsonNode? node, string relation) =>
        (node?["relationships"]?[relation]?["data"] as JsonArray ?? []).Select(Id);

    private static JsonObject Attributes(JsonNode? node, string what) =>
        CachetData.Object(CachetData.Object(node, what)["attributes"], $"{what} attributes");

    /// <summary>A status-like field <c>{human, value}</c> (a bare integer is accepted too).</summary>
    private static int StatusValue(JsonObject o, string field) =>
        o[field] is JsonObject status ? CachetData.Int(status, "value") : CachetData.Int(o, field);

    private static int? Number(JsonObject o, string field) => o[field] switch
    {
        null => null,
        JsonObject status => CachetData.Int(status, "value"),
        _ => CachetData.Int(o, field),
    };

    private static string Text(JsonObject o, string field) => o[field] switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new FormatException($"field '{field}' is not a string"),
    };
}
