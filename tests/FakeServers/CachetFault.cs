namespace CachetMonitor.FakeServers;

/// <summary>What kind of misbehaviour a <see cref="CachetFault"/> injects.</summary>
public enum CachetFaultKind
{
    /// <summary>Answer with <see cref="CachetFault.StatusCode"/> and a Cachet-style JSON error (or a custom body).</summary>
    Status,

    /// <summary>Answer 429 with a <c>Retry-After</c> header.</summary>
    RateLimited,

    /// <summary>Wait <see cref="CachetFault.Delay"/> before handling the request normally.</summary>
    Delay,

    /// <summary>Drop the connection without answering.</summary>
    Abort,

    /// <summary>Handle the request (its effect takes place), then drop the connection: the answer is lost.</summary>
    AnswerLost,

    /// <summary>Answer normally, labelled <c>application/json; charset=</c><see cref="CachetFault.Charset"/>.</summary>
    Charset,

    /// <summary>Answer normally, with every property named <see cref="CachetFault.Key"/> written twice.</summary>
    DuplicateKey,

    /// <summary>Answer normally, with a byte that is not UTF-8 (0xFF) at the start of the first string under <c>data</c>.</summary>
    InvalidUtf8,

    /// <summary>Answer <see cref="CachetFault.StatusCode"/> (a 3xx) with <c>Location</c>: <see cref="CachetFault.Location"/> followed by the request's path and query.</summary>
    Redirect,
}

/// <summary>A misbehaviour the fake Cachet applies to matching requests instead of (or before) its normal answer.</summary>
public sealed record CachetFault
{
    private CachetFault(CachetFaultKind kind) => Kind = kind;

    /// <summary>The kind of fault.</summary>
    public CachetFaultKind Kind { get; }

    /// <summary>The status code answered by <see cref="CachetFaultKind.Status"/> and <see cref="CachetFaultKind.RateLimited"/>.</summary>
    public int StatusCode { get; private init; }

    /// <summary>The <c>Retry-After</c> header value of a rate-limit or unavailable fault (seconds or an HTTP date), if any.</summary>
    public string? RetryAfter { get; private init; }

    /// <summary>The wait of a <see cref="CachetFaultKind.Delay"/> fault (real time).</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>A custom body for a status fault; null gives Cachet's JSON error object.</summary>
    public string? Body { get; private init; }

    /// <summary>The charset label of a <see cref="CachetFaultKind.Charset"/> fault.</summary>
    public string? Charset { get; private init; }

    /// <summary>The property name a <see cref="CachetFaultKind.DuplicateKey"/> fault repeats.</summary>
    public string? Key { get; private init; }

    /// <summary>The origin (and any prefix) a <see cref="CachetFaultKind.Redirect"/> points at.</summary>
    public string? Location { get; private init; }

    /// <summary>The content type of <see cref="Body"/>.</summary>
    public string ContentType { get; private init; } = "application/json";

    /// <summary>Answer with an error status (default 500) and Cachet's JSON error body.</summary>
    public static CachetFault Status(int statusCode = 500) =>
        new(CachetFaultKind.Status) { StatusCode = statusCode };

    /// <summary>Answer with an arbitrary status, body and content type (e.g. a proxy's HTML 502 page).</summary>
    public static CachetFault Raw(int statusCode, string body, string contentType) =>
        new(CachetFaultKind.Status) { StatusCode = statusCode, Body = body, ContentType = contentType };

    /// <summary>Answer 429 with <c>Retry-After: <paramref name="retryAfter"/></c> (omitted when null).</summary>
    public static CachetFault RateLimited(string? retryAfter) =>
        new(CachetFaultKind.RateLimited) { StatusCode = 429, RetryAfter = retryAfter };

    /// <summary>Answer 503 (e.g. maintenance) with <c>Retry-After: <paramref name="retryAfter"/></c> (omitted when null).</summary>
    public static CachetFault Unavailable(string? retryAfter) =>
        new(CachetFaultKind.Status) { StatusCode = 503, RetryAfter = retryAfter };

    /// <summary>Wait <paramref name="delay"/> before answering normally.</summary>
    public static CachetFault Delayed(TimeSpan delay) => new(CachetFaultKind.Delay) { Delay = delay };

    /// <summary>Drop the connection without an answer.</summary>
    public static CachetFault Abort() => new(CachetFaultKind.Abort);

    /// <summary>Apply the request, then drop the connection without the answer (a write that took effect, unheard).</summary>
    public static CachetFault AnswerLost() => new(CachetFaultKind.AnswerLost);

    /// <summary>Answer normally but label the JSON with <c>charset=<paramref name="charset"/></c> (e.g. one nobody knows).</summary>
    public static CachetFault WithCharset(string charset) => new(CachetFaultKind.Charset) { Charset = charset };

    /// <summary>Answer normally but write every property named <paramref name="key"/> twice, e.g. <c>"id":1,"id":1</c>.</summary>
    public static CachetFault DuplicatedKey(string key) => new(CachetFaultKind.DuplicateKey) { Key = key };

    /// <summary>Answer normally but with a 0xFF byte at the start of the first string value under <c>data</c>.</summary>
    public static CachetFault InvalidUtf8() => new(CachetFaultKind.InvalidUtf8);

    /// <summary>
    /// Answer <paramref name="statusCode"/> with <c>Location: <paramref name="location"/></c> + the request's path and
    /// query, as a server that moved (<c>http://</c> to <c>https://</c>, another host) does.
    /// </summary>
    public static CachetFault Redirect(string location, int statusCode = 301) =>
        new(CachetFaultKind.Redirect) { StatusCode = statusCode, Location = location.TrimEnd('/') };
}

/// <summary>An injected fault with its scope: which requests, how many, until when.</summary>
internal sealed class CachetFaultRule(CachetFault fault, string? method, string? path, int? remaining, DateTimeOffset? until)
{
    public CachetFault Fault { get; } = fault;

    private int? remaining = remaining;

    /// <summary>Consumes one use when the rule applies to the request; false when it does not (or is spent).</summary>
    public bool TryConsume(string requestMethod, string apiPath, DateTimeOffset now)
    {
        if (until is { } end && now >= end)
            return false;
        if (remaining is <= 0)
            return false;
        if (method is not null && !string.Equals(method, requestMethod, StringComparison.OrdinalIgnoreCase))
            return false;
        if (path is not null && !MatchesPath(path, apiPath))
            return false;
        if (remaining is { } left)
            remaining = left - 1;
        return true;
    }

    /// <summary>Whether the rule can never apply again.</summary>
    public bool IsSpent(DateTimeOffset now) => remaining is <= 0 || (until is { } end && now >= end);

    private static bool MatchesPath(string prefix, string apiPath)
    {
        var trimmed = prefix.TrimEnd('/');
        return apiPath == trimmed || apiPath.StartsWith(trimmed + "/", StringComparison.Ordinal);
    }
}
