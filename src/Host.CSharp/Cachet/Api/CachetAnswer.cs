using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// Cachet's answer bodies as JSON. The text is read as UTF-8 whatever the Content-Type's charset says (RFC 8259 §8.1,
/// §11: the parameter has no effect on JSON), and strictly, so that a bad byte is not turned into a wrong name. A key
/// repeated in one object is refused: which of the two values Cachet meant cannot be known.
/// </summary>
internal static class CachetAnswer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>The JSON value of a body.</summary>
    /// <exception cref="FormatException">When the body is not UTF-8 or not exactly one JSON value with unique keys.</exception>
    public static JsonNode? Parse(byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("the text is not UTF-8");
        }

        try
        {
            return JsonNode.Parse(text.TrimStart('\uFEFF'), documentOptions: StrictJson);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON with unique keys ({e.Message})");
        }
    }

    /// <summary>
    /// The validation details of a Cachet error body, joined; else its <c>detail</c>; else a placeholder. 2.x sends
    /// <c>{"errors":[{detail, meta.details}]}</c>; 3.x (Laravel) <c>{"message", "errors":{field:[messages]}}</c>, given
    /// as <c>field: message</c> pairs. Never throws: the status code already classifies the failure.
    /// </summary>
    public static string ErrorDetails(byte[] body)
    {
        try
        {
            var parsed = Parse(body) as JsonObject;
            if (parsed?["errors"] is JsonObject fields && fields.Count > 0)
                return string.Join(" ", fields.SelectMany(f => Texts(f.Value).Select(m => $"{f.Key}: {m}")));
            if (parsed?["errors"] is null && parsed?["message"] is JsonValue message && message.GetValueKind() == JsonValueKind.String)
                return message.GetValue<string>();
            var error = parsed is { } root && root["errors"] is JsonArray { Count: > 0 } errors ? errors[0] as JsonObject : null;
            if (error?["meta"] is JsonObject meta && meta["details"] is JsonArray { Count: > 0 } details)
                return string.Join(" ", details.Select(d => d is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : d?.ToJsonString()));
            if (error?["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String)
                return detail.GetValue<string>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
        }

        return "no details given";
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonArray items => items.SelectMany(Texts),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        null => [],
        _ => [node.ToJsonString()],
    };
}
