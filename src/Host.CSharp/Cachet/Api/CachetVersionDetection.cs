using System.Text.Json;
using System.Text.Json.Nodes;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>What detection found: the client to use, the API base it answers at, and the version for the log.</summary>
/// <param name="Client">A 2.x <see cref="CachetClient"/> or a 3.x <see cref="Cachet3Client"/>.</param>
/// <param name="BaseUrl">The API base that answered.</param>
/// <param name="Description">E.g. <c>Cachet 2.x (API v1)</c> or <c>Cachet 3.x (3.x-dev)</c>.</param>
public sealed record DetectedCachet(ICachetApi Client, string BaseUrl, string Description);

/// <summary>
/// Tells Cachet 2.x and 3.x apart (<c>cachet.api_version: auto</c>) by the signals of the contract: a base answers
/// <c>GET {base}/ping</c> with <c>{"data":"Pong!"}</c>; a base ending in <c>/api/v1</c> is 2.x (3.x has no <c>/v1</c>
/// routes); otherwise <c>GET {base}/version</c> answers an object on 3.x (a string on 2.x, or an error: 2.4 asks GitHub).
/// Bases tried, in order: <c>api_url</c> itself, then, when it is not already an API base, <c>/api/v1</c>,
/// <c>/api</c> and <c>/status/api</c> below it. Probes carry the token in both headers (3.x may protect reads).
/// <c>api_version: 2</c>, and <c>auto</c> with an <c>api_url</c> ending in <c>/api/v1</c> (only 2.x has that path),
/// probe nothing: the 2.x client as before. <c>3</c> checks that <c>api_url</c> answers as 3.x. An answer that is not
/// Cachet's (a proxy page, a garbled body) is retried like a failed read, never taken as a verdict.
/// </summary>
public sealed class CachetVersionDetection(HttpClient http, string token, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The client for <paramref name="apiUrl"/> and the configured version.</summary>
    /// <exception cref="CachetApiException">
    /// Transient (retry later) when a probe could not be answered; <see cref="CachetApiErrorKind.NotFound"/> when no base
    /// answers as the wanted Cachet, naming every URL tried and what it answered.
    /// </exception>
    public async Task<DetectedCachet> DetectAsync(string apiUrl, CachetApiVersion configured, CancellationToken ct)
    {
        var url = apiUrl.TrimEnd('/');
        if (configured.IsCachetV2)
        {
            return new DetectedCachet(new CachetClient(http, url, token, _time), url, "Cachet 2.x (api_version: 2)");
        }
        if (!configured.IsCachetV3 && url.EndsWith("/api/v1", StringComparison.Ordinal))
        {
            return new DetectedCachet(new CachetClient(http, url, token, _time), url, "Cachet 2.x (API v1, by its /api/v1 path)");
        }
        var tried = new List<string>();
        CachetApiException? unanswered = null;
        foreach (var candidate in Candidates(url, configured))
        {
            try
            {
                if (await ProbeAsync(candidate, tried, ct) is { } found)
                {
                    if (configured.IsCachetV3 && found.Client is not Cachet3Client)
                    {
                        tried.Add($"{candidate} answers as Cachet 2.x");
                        continue;
                    }
                    return found;
                }
            }
            catch (CachetApiException e) when (e.IsTransient || e.Kind == CachetApiErrorKind.MalformedResponse)
            {
                unanswered ??= e;
                tried.Add($"GET {candidate}/…: {e.Message}");
            }
        }
        if (unanswered is not null)
        {
            throw new CachetApiException(
                unanswered.Kind, $"cannot tell which Cachet answers at {url} yet: {unanswered.Message}", unanswered.StatusCode, unanswered.RetryAfter);
        }
        var wanted = configured.IsCachetV3 ? "Cachet 3.x API (cachet.api_version: 3)" : "Cachet API (2.x or 3.x)";
        throw new CachetApiException(
            CachetApiErrorKind.NotFound,
            $"no {wanted} at cachet.api_url {url}: tried {string.Join("; ", tried)}. A 404 on every Cachet 3 path can also "
            + "mean the API is switched off in Cachet's settings; set cachet.api_url to the API base and cachet.api_version to 2 or 3 to skip detection");
    }

    /// <summary>The bases to try: the URL itself, then the API bases below a host.</summary>
    public static IReadOnlyList<string> Candidates(string url, CachetApiVersion configured)
    {
        if (url.EndsWith("/api/v1", StringComparison.Ordinal) || url.EndsWith("/api", StringComparison.Ordinal))
        {
            return configured.IsCachetV3 || url.EndsWith("/api/v1", StringComparison.Ordinal) ? [url] : [url, url + "/v1"];
        }
        return configured.IsCachetV3 ? [url, url + "/api", url + "/status/api"] : [url, url + "/api/v1", url + "/api", url + "/status/api"];
    }

    private async Task<DetectedCachet?> ProbeAsync(string baseUrl, List<string> tried, CancellationToken ct)
    {
        var probe = new CachetHttp(http, baseUrl, Authorise, _time);
        JsonObject ping;
        try
        {
            ping = await probe.SendAsync(HttpMethod.Get, "/ping", null, "ping", ct);
        }
        catch (CachetApiException e) when (!e.IsTransient && e.Kind != CachetApiErrorKind.MalformedResponse)
        {
            tried.Add($"GET {baseUrl}/ping: {Answer(e)}");
            return null;
        }
        if (ping["data"] is not JsonValue pong || pong.GetValueKind() != JsonValueKind.String || pong.GetValue<string>() != "Pong!")
        {
            throw new CachetApiException(
                CachetApiErrorKind.MalformedResponse, $"GET {baseUrl}/ping answered 200 without Cachet's {{\"data\":\"Pong!\"}}");
        }
        if (baseUrl.EndsWith("/v1", StringComparison.Ordinal))
        {
            return new DetectedCachet(new CachetClient(http, baseUrl, token, _time), baseUrl, "Cachet 2.x (API v1)");
        }
        try
        {
            var version = await probe.SendAsync(HttpMethod.Get, "/version", null, "version", ct);
            if (version["data"] is JsonObject data)
            {
                var name = data["version"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "unknown version";
                return new DetectedCachet(new Cachet3Client(http, baseUrl, token, _time), baseUrl, $"Cachet 3.x ({name})");
            }
        }
        catch (CachetApiException e) when ((!e.IsTransient && e.Kind != CachetApiErrorKind.MalformedResponse) || e.Kind == CachetApiErrorKind.ServerError)
        {
            // Cachet 2.4 asks GitHub for /version and fails offline; 2.3 has none: a base that pings is 2.x then.
        }
        return new DetectedCachet(new CachetClient(http, baseUrl, token, _time), baseUrl, "Cachet 2.x (API v1)");
    }

    private void Authorise(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("X-Cachet-Token", token);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
    }

    private static string Answer(CachetApiException e) => e.StatusCode is { } code ? $"HTTP {code}" : e.Kind.ToString();
}
