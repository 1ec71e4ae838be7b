using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CachetMonitor.FakeServers;

/// <summary>
/// Cachet's merged request input: query string, then form body, then JSON body (later sources win per top-level key),
/// with every string trimmed, nested ones too. Values are JSON nodes: strings for query and form values (PHP's
/// <c>meta[key]=value</c> becomes an object under <c>meta</c>), whatever the JSON body held otherwise.
/// </summary>
internal sealed partial class CachetInput
{
    private readonly Dictionary<string, JsonNode?> values = new(StringComparer.Ordinal);

    /// <summary>The query parameters in their original order (a repeated key keeps its first place, last value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; }

    private CachetInput(IReadOnlyList<KeyValuePair<string, string>> query) => Query = query;

    /// <summary>Merges the three sources; a JSON body that does not parse to an object is ignored, as Laravel does.</summary>
    public static CachetInput Merge(
        IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> form,
        string? jsonBody)
    {
        var ordered = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in query)
        {
            var at = ordered.FindIndex(p => p.Key == key);
            if (at >= 0)
                ordered[at] = new(key, value);
            else
                ordered.Add(new(key, value));
        }

        var input = new CachetInput(ordered);
        foreach (var (key, value) in PhpParams(ordered))
            input.values[key] = value;
        foreach (var (key, value) in PhpParams(form))
            input.values[key] = value;
        if (jsonBody is not null && TryParseObject(jsonBody) is { } body)
        {
            foreach (var (key, value) in body)
                input.values[key] = Trimmed(value?.DeepClone());
        }

        return input;
    }

    /// <summary>Every input key.</summary>
    public IEnumerable<string> Keys => values.Keys;

    /// <summary>Whether the key was sent at all (even as null or empty).</summary>
    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>The raw value of a key; null when absent or JSON null.</summary>
    public JsonNode? Get(string key) => values.TryGetValue(key, out var value) ? value : null;

    /// <summary>Laravel's "empty" for validation: absent, null, a blank string or an empty array.</summary>
    public bool IsEmpty(string key) => IsEmptyValue(Get(key));

    /// <summary>The value as a filter/column string: strings as is, numbers as written, true as "1", false as "".</summary>
    public string? AsText(string key) => Get(key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "1",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "",
        var other => other.ToJsonString(),
    };

    /// <summary>Laravel's <c>integer</c> rule: a JSON integer or an integer string.</summary>
    public static bool TryInt(JsonNode? node, out long value)
    {
        value = 0;
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                var number = node.GetValue<double>();
                if (Math.Floor(number) != number || Math.Abs(number) > long.MaxValue / 2)
                    return false;
                value = (long)number;
                return true;
            case JsonValueKind.String:
                var text = node.GetValue<string>().Trim();
                return IntegerText().IsMatch(text)
                    && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            default:
                return false;
        }
    }

    /// <summary>Laravel's <c>numeric</c> rule: a JSON number or a finite decimal string.</summary>
    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                value = node.GetValue<double>();
                return true;
            case JsonValueKind.String:
                var text = node.GetValue<string>().Trim();
                return NumericText().IsMatch(text)
                    && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    && double.IsFinite(value);
            default:
                return false;
        }
    }

    /// <summary>Laravel's <c>boolean</c> rule (and Cachet 2.3's only rule): true, false, 1, 0, "1", "0".</summary>
    public static bool TryStrictBool(JsonNode? node, out bool value)
    {
        value = false;
        switch (node?.GetValueKind())
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.Number when TryInt(node, out var n) && n is 0 or 1:
                value = n == 1;
                return true;
            case JsonValueKind.String when node.GetValue<string>() is "0" or "1":
                value = node.GetValue<string>() == "1";
                return true;
            default:
                return false;
        }
    }

    /// <summary>PHP's <c>(bool)</c> cast (Cachet 2.4): "" and "0" are false, any other string is true.</summary>
    public static bool PhpBool(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.True or JsonValueKind.Object => true,
        JsonValueKind.Number => node.GetValue<double>() != 0,
        JsonValueKind.String => node.GetValue<string>() is not ("" or "0"),
        JsonValueKind.Array => node.AsArray().Count > 0,
        _ => false,
    };

    private static bool IsEmptyValue(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => true,
        JsonValueKind.String => node.GetValue<string>().Trim().Length == 0,
        JsonValueKind.Array => node.AsArray().Count == 0,
        _ => false,
    };

    private static JsonObject? TryParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// PHP's parsing of query and form keys: <c>a[b][c]=v</c> nests objects under <c>a</c>, <c>a[]=v</c> appends
    /// under the next integer key; a later plain value replaces the whole key.
    /// </summary>
    private static Dictionary<string, JsonNode?> PhpParams(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var parsed = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            var match = BracketKey().Match(key);
            if (!match.Success)
            {
                parsed[key] = JsonValue.Create(value.Trim());
                continue;
            }

            var name = match.Groups[1].Value;
            if (parsed.GetValueOrDefault(name) is not JsonObject node)
                parsed[name] = node = [];
            var segments = match.Groups[2].Captures.Select(c => c.Value).ToArray();
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i].Length > 0 ? segments[i] : NextIndex(node);
                if (i == segments.Length - 1)
                {
                    node[segment] = JsonValue.Create(value.Trim());
                }
                else
                {
                    if (node[segment] is not JsonObject child)
                        node[segment] = child = [];
                    node = child;
                }
            }
        }

        return parsed;
    }

    private static string NextIndex(JsonObject array) =>
        (array.Select(p => long.TryParse(p.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n + 1 : 0)
            .DefaultIfEmpty(0)
            .Max()).ToString(CultureInfo.InvariantCulture);

    private static JsonNode? Trimmed(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(v.GetValue<string>().Trim()),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Trimmed(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray([.. a.Select(item => Trimmed(item?.DeepClone()))]),
        _ => node,
    };

    [GeneratedRegex(@"^([^\[\]]+)(?:\[([^\[\]]*)\])+$")]
    private static partial Regex BracketKey();

    [GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex NumericText();
}
