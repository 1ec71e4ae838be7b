using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>
/// Laravel-style validation over a <see cref="CachetInput"/>: each call checks one attribute's rules, stops at its
/// first failure, and collects the message Laravel would give (attribute names with spaces for underscores).
/// An empty optional value skips the attribute's rules, as Laravel does.
/// </summary>
internal sealed class CachetValidator(CachetInput input)
{
    private readonly List<string> details = [];

    /// <summary>The collected messages, in rule order.</summary>
    public IReadOnlyList<string> Details => details;

    /// <summary>Whether every rule passed so far.</summary>
    public bool IsValid => details.Count == 0;

    /// <summary>Rules <c>[required|required_with:other] integer [min] [max]</c> on a 32-bit column.</summary>
    public int? Int(string key, bool required = false, string? requiredWith = null, int? min = null, int? max = null) =>
        (int?)Long(key, required, requiredWith, min ?? int.MinValue, max ?? int.MaxValue);

    /// <summary>Rules <c>[required|required_with:other] integer [min] [max]</c>; the value when it passed and was given.</summary>
    public long? Long(string key, bool required = false, string? requiredWith = null, long? min = null, long? max = null)
    {
        if (!Present(key, required, requiredWith))
            return null;
        if (!CachetInput.TryInt(input.Get(key), out var value))
            return Fail<long?>($"The {Name(key)} must be an integer.");
        if (min is { } lo && value < lo)
            return Fail<long?>($"The {Name(key)} must be at least {lo}.");
        if (max is { } hi && value > hi)
            return Fail<long?>($"The {Name(key)} may not be greater than {hi}.");
        return value;
    }

    /// <summary>Rules <c>[required] numeric</c>.</summary>
    public double? Number(string key, bool required = false)
    {
        if (!Present(key, required, null))
            return null;
        return CachetInput.TryNumber(input.Get(key), out var value)
            ? value
            : Fail<double?>($"The {Name(key)} must be a number.");
    }

    /// <summary>Rules <c>[required] string</c>; the trimmed string when it passed and was given.</summary>
    public string? Text(string key, bool required = false)
    {
        if (!Present(key, required, null))
            return null;
        var node = input.Get(key);
        return node?.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : Fail<string?>($"The {Name(key)} must be a string.");
    }

    /// <summary>Rule <c>url</c>: an absolute URL.</summary>
    public string? Url(string key)
    {
        var text = Text(key);
        if (text is null)
            return null;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? text
            : Fail<string?>($"The {Name(key)} format is invalid.");
    }

    /// <summary>Rules <c>nullable|array</c>: a PHP array, i.e. a JSON object or list (or bracketed query keys).</summary>
    public JsonNode? Array(string key)
    {
        if (!Present(key, false, null))
            return null;
        return input.Get(key) is JsonObject or JsonArray
            ? input.Get(key)
            : Fail<JsonNode?>($"The {Name(key)} must be an array.");
    }

    /// <summary>Rule <c>boolean</c>: true, false, 1, 0, "1" or "0".</summary>
    public bool? StrictBool(string key)
    {
        if (!Present(key, false, null))
            return null;
        return CachetInput.TryStrictBool(input.Get(key), out var value)
            ? value
            : Fail<bool?>($"The {Name(key)} field must be true or false.");
    }

    /// <summary>
    /// A Cachet boolean flag: in 2.4 the PHP cast of the value (never fails), in 2.3 the strict rule.
    /// Absent gives <paramref name="absent"/>.
    /// </summary>
    public bool Flag(string key, bool absent, FakeCachetVersion version)
    {
        if (!input.Has(key))
            return absent;
        if (version == FakeCachetVersion.V24)
            return CachetInput.PhpBool(input.Get(key));
        return StrictBool(key) ?? absent;
    }

    private bool Present(string key, bool required, string? requiredWith)
    {
        if (!input.IsEmpty(key))
            return true;
        if (required)
            details.Add($"The {Name(key)} field is required.");
        else if (requiredWith is not null && !input.IsEmpty(requiredWith))
            details.Add($"The {Name(key)} field is required when {Name(requiredWith)} is present.");
        return false;
    }

    private T Fail<T>(string message)
    {
        details.Add(message);
        return default!;
    }

    private static string Name(string key) => key.Replace('_', ' ');
}
