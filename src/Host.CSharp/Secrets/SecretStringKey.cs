using System.Text.Json;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>Reading the token out of a SecretString: a JSON object whose <c>secret_key</c> field holds it.</summary>
internal static class SecretStringKey
{
    /// <summary>
    /// The string under <paramref name="key"/> in the JSON object <paramref name="secretString"/>, or null and a
    /// reason (which names the key and the problem, never the value).
    /// </summary>
    public static Secret? TryRead(Secret secretString, string key, out string reason)
    {
        try
        {
            using var document = JsonDocument.Parse(SecretModule.reveal(secretString));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"the secret is JSON but not an object (a {Describe(root.ValueKind)})";
                return null;
            }

            if (!root.TryGetProperty(key, out var value))
            {
                reason = $"the secret has no key '{key}'";
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                reason = $"the secret's key '{key}' holds a {Describe(value.ValueKind)}, not a string";
                return null;
            }

            var text = value.GetString();
            if (string.IsNullOrEmpty(text))
            {
                reason = $"the secret's key '{key}' is empty";
                return null;
            }

            reason = "";
            return SecretModule.create(text);
        }
        catch (JsonException)
        {
            // The parser's message can quote the secret's text: say only that it is not JSON.
            reason = "the secret string is not JSON";
            return null;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        _ => "string",
    };
}
