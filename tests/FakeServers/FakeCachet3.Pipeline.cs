using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CachetMonitor.FakeServers;

/// <summary>
/// The 3.x pipeline: API switch (404), routing (404/405), the <c>cachet-api</c> rate limiter (429 + Retry-After),
/// <c>api_protected</c> (401 on reads), Sanctum on writes (401) and abilities (403), then the handler under the lock.
/// </summary>
public sealed partial class FakeCachet
{
    private readonly Dictionary<string, (DateTimeOffset ResetsAt, int Hits)> rateWindows = new(StringComparer.Ordinal);
    private volatile int rateLimitPerMinute = 300;
    private volatile bool apiEnabled = true;
    private volatile bool apiProtected;

    /// <summary>3.x <c>CACHET_API_RATE_LIMIT</c>: requests per minute per user (per client without a token); default 300.</summary>
    public int RateLimitPerMinute
    {
        get => rateLimitPerMinute;
        set => rateLimitPerMinute = value;
    }

    /// <summary>3.x dashboard setting <c>api_enabled</c> (default true): when false every API route answers 404.</summary>
    public bool ApiEnabled
    {
        get => apiEnabled;
        set => apiEnabled = value;
    }

    /// <summary>3.x dashboard setting <c>api_protected</c> (default false): when true reads need a valid token too (else 401).</summary>
    public bool ApiProtected
    {
        get => apiProtected;
        set => apiProtected = value;
    }

    private static string BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";

    private ApiReply Dispatch3(ApiCall call, string? apiPath, string path)
    {
        if (!apiEnabled)
            return Cachet3Json.Error(404, $"The route {path.TrimStart('/')} could not be found.");
        var routes = apiPath is null ? null : Route3(apiPath.Trim('/').Split('/'));
        if (routes is null)
            return Cachet3Json.Error(404, $"The route {path.TrimStart('/')} could not be found.");
        if (!routes.TryGetValue(call.Method, out var route))
        {
            return Cachet3Json.Error(
                405, $"The {call.Method} method is not supported for route {path.TrimStart('/')}. Supported methods: {string.Join(", ", routes.Keys)}.");
        }

        ApiReply reply;
        lock (gate)
        {
            var limited = Throttle(call);
            if (limited.Reply is { } tooMany)
                return tooMany;
            reply = Authorise(call, route.Ability) ?? Handle(call, route.Handler);
            return reply with { Headers = Merge(reply.Headers, limited.Headers) };
        }
    }

    private ApiReply? Authorise(ApiCall call, string? ability)
    {
        var write = call.Method != HttpMethods.Get;
        if ((write || apiProtected) && !call.Authenticated)
            return Cachet3Json.Error(401);
        return write && ability is not null && !call.Can(ability) ? Cachet3Json.Error(403) : null;
    }

    private static ApiReply Handle(ApiCall call, Func<ApiCall, ApiReply> handler)
    {
        try
        {
            return handler(call);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException)
        {
            return Cachet3Json.Error(500);
        }
    }

    /// <summary>
    /// Laravel's <c>RateLimiter</c> with <c>Limit::perMinute(n)->by(user id ?: ip)</c>: a fixed 60-second window that
    /// starts at the key's first hit; beyond <c>n</c> hits the answer is 429 with <c>Retry-After</c> (seconds until
    /// the window ends). Every token of the fake belongs to user 1, so all tokens share one bucket.
    /// </summary>
    private (ApiReply? Reply, Dictionary<string, string> Headers) Throttle(ApiCall call)
    {
        var key = call.Authenticated ? "user:1" : "ip:127.0.0.1";
        var limit = rateLimitPerMinute;
        if (!rateWindows.TryGetValue(key, out var window) || window.ResetsAt <= call.Now)
            window = (call.Now.AddSeconds(60), 0);
        if (window.Hits >= limit)
        {
            var retryAfter = Math.Max((int)Math.Ceiling((window.ResetsAt - call.Now).TotalSeconds), 1);
            var headers = new Dictionary<string, string>
            {
                ["Retry-After"] = retryAfter.ToString(CultureInfo.InvariantCulture),
                ["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture),
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Reset"] = window.ResetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            };
            return (Cachet3Json.Error(429) with { Headers = headers }, headers);
        }

        rateWindows[key] = window with { Hits = window.Hits + 1 };
        return (null, new Dictionary<string, string>
        {
            ["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture),
            ["X-RateLimit-Remaining"] = (limit - window.Hits - 1).ToString(CultureInfo.InvariantCulture),
        });
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? first, Dictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(second, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in first ?? new Dictionary<string, string>())
            merged[name] = value;
        return merged;
    }
}
