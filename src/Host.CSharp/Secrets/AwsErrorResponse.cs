using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CachetMonitor.Host.Secrets;

/// <summary>Reading an AWS JSON-protocol error response into a one-line reason.</summary>
internal static class AwsErrorResponse
{
    private const int MaxMessageLength = 300;

    /// <summary>
    /// The error type as AWS names it: cut at the first <c>:</c>, keep what follows the last <c>#</c>
    /// (<c>ns#FooError:http://x</c> becomes <c>FooError</c>).
    /// </summary>
    public static string SanitiseType(string raw)
    {
        var type = raw;
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            type = type[..colon];
        }

        var hash = type.LastIndexOf('#');
        if (hash >= 0)
        {
            type = type[(hash + 1)..];
        }

        return type.Trim();
    }

    /// <summary>
    /// A reason for a non-2xx response: <c>Type: message (HTTP 400)</c>. The type comes from the body's
    /// <c>__type</c> or <c>code</c>, else the <c>X-Amzn-Errortype</c> header; the message from <c>Message</c> or
    /// <c>message</c>.
    /// </summary>
    public static string Describe(HttpStatusCode status, HttpResponseHeaders headers, string body)
    {
        string? type = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                type = StringProperty(document.RootElement, "__type") ?? StringProperty(document.RootElement, "code");
                message = StringProperty(document.RootElement, "Message")
                    ?? StringProperty(document.RootElement, "message");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the header and status still say something.
        }

        if (type is null && headers.TryGetValues("X-Amzn-Errortype", out var values))
        {
            type = values.FirstOrDefault();
        }

        var name = string.IsNullOrWhiteSpace(type) ? "UnknownError" : SanitiseType(type);
        var code = (int)status;
        if (string.IsNullOrWhiteSpace(message))
        {
            return $"{name} (HTTP {code})";
        }

        var oneLine = message.ReplaceLineEndings(" ").Trim();
        var text = oneLine.Length > MaxMessageLength ? oneLine[..MaxMessageLength] + "…" : oneLine;
        return $"{name}: {text} (HTTP {code})";
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String
            ? property.GetString()
            : null;
}
