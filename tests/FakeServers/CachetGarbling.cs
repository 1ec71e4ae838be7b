using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The faults that garble a normal JSON answer on its way out: a charset label, a repeated key, a bad byte.</summary>
internal static class CachetGarbling
{
    /// <summary>The bytes and Content-Type of a JSON body, garbled as <paramref name="fault"/> says (if it is such a fault).</summary>
    public static (byte[] Bytes, string ContentType) Json(JsonNode body, CachetFault? fault) => fault switch
    {
        { Kind: CachetFaultKind.Charset, Charset: var charset } => (Utf8(body), $"application/json; charset={charset}"),
        { Kind: CachetFaultKind.DuplicateKey, Key: { } key } => (WithKeyTwice(body, key), "application/json"),
        { Kind: CachetFaultKind.InvalidUtf8 } => (WithBadByte(Utf8(body)), "application/json"),
        _ => (Utf8(body), "application/json"),
    };

    private static byte[] Utf8(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    private static byte[] WithKeyTwice(JsonNode body, string key)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
            Write(writer, body, key);
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node, string key)
    {
        switch (node)
        {
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (name, value) in o)
                {
                    for (var times = name == key ? 2 : 1; times > 0; times--)
                    {
                        writer.WritePropertyName(name);
                        Write(writer, value, key);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                    Write(writer, item, key);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// 0xFF after the opening quote of the first property value that is a string, from <c>"data":</c> on (compact JSON
    /// escapes quotes inside strings, so <c>:"</c> only ever opens a value).
    /// </summary>
    private static byte[] WithBadByte(byte[] json)
    {
        var span = json.AsSpan();
        var data = Math.Max(span.IndexOf("\"data\":"u8), 0);
        var value = span[data..].IndexOf(":\""u8);
        var at = value < 0 ? 0 : data + value + 2;
        return [.. json[..at], 0xFF, .. json[at..]];
    }
}
