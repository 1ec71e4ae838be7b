using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet;

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
    /// The validation details of a Cachet error body, joined; else its <c>detail</c>; else a placeholder. Never throws:
    /// the status code already classifies the failure.
    /// </summary>
    public static string ErrorDetails(byte[] body)
    {
        try
        {
            var error = Parse(body) is JsonObject root && root["errors"] is JsonArray { Count: > 0 } errors ? errors[0] as JsonObject : null;
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
}
