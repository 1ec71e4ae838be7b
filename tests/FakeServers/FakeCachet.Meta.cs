using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>Incident meta (2.4): stored as rows of the <c>meta</c> table, rendered on the incident as key → value.</summary>
public sealed partial class FakeCachet
{
    private int nextMetaId = 1;

    /// <summary>
    /// Cachet's <c>StoresMeta</c>: each key of the object (each index of a list) updates or inserts one row; a value
    /// that PHP calls empty (<c>null</c>, <c>false</c>, <c>0</c>, <c>""</c>, <c>"0"</c>, an empty array, after empty
    /// entries are dropped from an array) deletes the row instead.
    /// </summary>
    private IReadOnlyList<FakeMeta> StoreMeta(IReadOnlyList<FakeMeta> rows, JsonNode? meta, int incidentId, DateTimeOffset now)
    {
        var entries = meta switch
        {
            JsonObject o => o.Select(p => (p.Key, p.Value)).ToArray(),
            JsonArray a => a.Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), v)).ToArray(),
            _ => [],
        };
        var stored = rows.ToList();
        foreach (var (key, raw) in entries)
        {
            var at = stored.FindIndex(r => r.Key == key);
            if (WithoutEmpties(raw) is not { } value)
            {
                if (at >= 0)
                    stored.RemoveAt(at);
                continue;
            }

            var text = PhpJson(value).ToJsonString();
            if (at < 0)
                stored.Add(new FakeMeta(nextMetaId++, key, text, "incidents", incidentId, now, now));
            else if (stored[at].Value != text)
                stored[at] = stored[at] with { Value = text, UpdatedAt = now };
        }

        return stored;
    }

    /// <summary>Seeds meta rows with string values.</summary>
    private IReadOnlyList<FakeMeta> SeedMeta(IReadOnlyDictionary<string, string>? meta, int incidentId, DateTimeOffset now) =>
        meta is null ? [] : StoreMeta([], new JsonObject(meta.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))), incidentId, now);

    /// <summary>
    /// The incident's <c>meta</c> as Cachet 2.4's presenter gives it (<c>pluck('value', 'key')</c>): an object of key →
    /// decoded value, or a JSON list when the keys are 0…n−1 (so <c>[]</c> when there is none), as PHP encodes arrays.
    /// </summary>
    private static JsonNode RenderMeta(IReadOnlyList<FakeMeta> rows) =>
        PhpJson(new JsonObject(rows.Select(r => KeyValuePair.Create(r.Key, JsonNode.Parse(r.Value)))));

    /// <summary>PHP's <c>removeEmptyValues</c>: null for an empty scalar; an array without its empty entries (null if none left).</summary>
    private static JsonNode? WithoutEmpties(JsonNode? value)
    {
        if (value is JsonObject or JsonArray)
        {
            var kept = value is JsonObject o
                ? o.Where(p => !PhpEmpty(p.Value)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).ToArray()
                : value.AsArray().Select((v, i) => (v, i)).Where(e => !PhpEmpty(e.v))
                    .Select(e => KeyValuePair.Create(e.i.ToString(CultureInfo.InvariantCulture), e.v?.DeepClone())).ToArray();
            return kept.Length == 0 ? null : new JsonObject(kept);
        }

        return PhpEmpty(value) ? null : value;
    }

    /// <summary>PHP's <c>empty()</c>.</summary>
    private static bool PhpEmpty(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.Number => value.GetValue<double>() == 0,
        JsonValueKind.String => value.GetValue<string>() is "" or "0",
        JsonValueKind.Object => value.AsObject().Count == 0,
        JsonValueKind.Array => value.AsArray().Count == 0,
        _ => false,
    };

    /// <summary>A PHP array as <c>json_encode</c> writes it: a list when its keys are 0…n−1 in order, else an object.</summary>
    private static JsonNode PhpJson(JsonNode node)
    {
        if (node is not JsonObject o)
            return node.DeepClone();
        var items = o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : PhpJson(p.Value))).ToArray();
        var isList = items.Select((p, i) => p.Key == i.ToString(CultureInfo.InvariantCulture)).All(sequential => sequential);
        return isList ? new JsonArray([.. items.Select(p => p.Value)]) : new JsonObject(items);
    }
}
