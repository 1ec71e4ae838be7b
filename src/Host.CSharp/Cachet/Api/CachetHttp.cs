using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// One HTTP attempt against a Cachet API base, shared by the 2.x and 3.x clients: the token goes in the header the
/// version wants (never into a message), JSON bodies, <c>Accept: application/json</c>; any failure is thrown as a
/// classified <see cref="CachetApiException"/> naming the call. Cancelling <c>ct</c> throws <see cref="OperationCanceledException"/>.
/// </summary>
/// <param name="http">The HTTP client (its <c>Timeout</c> bounds each call).</param>
/// <param name="baseUrl">The API base without a trailing <c>/</c>.</param>
/// <param name="authorise">Puts the token on a request.</param>
/// <param name="time">The clock used to turn a <c>Retry-After</c> date into a delay.</param>
/// <param name="forbidden">
/// The message of a 403 for a call (3.x names the token ability it lacks); null: a 403 is an unexpected status.
/// </param>
internal sealed class CachetHttp(
    HttpClient http, string apiBaseUrl, Action<HttpRequestMessage> authorise, TimeProvider time, Func<HttpMethod, string, string>? forbidden = null)
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>User-info in api_url (a proxy's Basic auth) is sent as Authorization, and shown nowhere.</summary>
    private readonly string? basicAuth = Probing.BasicAuth.For(apiBaseUrl, []);

    private readonly string baseUrl = Domain.UrlCredentials.strip(apiBaseUrl);

    private Task<bool>? apiPathMissing;

    /// <summary>The API base URL without a trailing <c>/</c> and without user-info.</summary>
    public string BaseUrl => baseUrl;

    /// <summary>
    /// Checks an API base URL: absolute http(s); returns it without a trailing <c>/</c>.
    /// </summary>
    /// <exception cref="ArgumentException">When it is not an absolute http or https URL.</exception>
    public static string CheckedBase(string apiBaseUrl, string parameter)
    {
        var trimmed = apiBaseUrl.TrimEnd('/');
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("The Cachet API URL must be an absolute http or https URL.", parameter);
        return trimmed;
    }

    /// <summary>Reads <c>data</c> of a success answer; a wrong shape is a <see cref="CachetApiErrorKind.MalformedResponse"/>.</summary>
    public static T Read<T>(JsonObject root, string path, Func<JsonNode?, T> read)
    {
        try
        {
            return read(root["data"]);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException)
        {
            throw new CachetApiException(
                CachetApiErrorKind.MalformedResponse, $"Cachet answered with an unexpected shape: {e.Message} ({Call(path)})");
        }
    }

    /// <summary>Whether a call found its resource: false on 404, any other failure thrown.</summary>
    public static async Task<bool> FoundAsync(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
            return true;
        }
        catch (CachetApiException e) when (e.Kind == CachetApiErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <summary><c>POST /incidents/{id}/updates</c> with a status and a message (the same on 2.4 and 3.x).</summary>
    public Task<JsonObject> PostIncidentUpdateAsync(IncidentId incidentId, int status, string message, CancellationToken ct) =>
        SendAsync(
            HttpMethod.Post,
            $"/incidents/{incidentId}/updates",
            new JsonObject { ["status"] = status, ["message"] = message },
            $"incident {incidentId}",
            ct);

    /// <summary>One attempt; returns the JSON object of a 2xx answer that has <c>data</c> (empty for 204), or throws classified.</summary>
    public async Task<JsonObject> SendAsync(
        HttpMethod method, string path, JsonObject? body, string resource, CancellationToken ct)
    {
        var call = $"{method} {Call(path)}";
        using var request = new HttpRequestMessage(method, baseUrl + path);
        request.Headers.Accept.Add(Json);
        authorise(request);
        if (basicAuth is not null)
            request.Headers.TryAddWithoutValidation("Authorization", basicAuth);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        byte[] answer;
        HttpStatusCode status;
        TimeSpan? retryAfter;
        Uri? location;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            status = response.StatusCode;
            retryAfter = RetryAfterHeader.Parse(FirstValue(response.Headers, "Retry-After"), time.GetUtcNow());
            location = response.Headers.Location;
            // Bytes, not ReadAsStringAsync: that throws on a charset it does not know, and JSON is UTF-8 anyway.
            answer = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CachetApiException(CachetApiErrorKind.Timeout, $"Cachet did not answer in time ({call})", innerException: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new CachetApiException(
                CachetApiErrorKind.Transport, $"Cachet is unreachable: {Reason(e)} ({call})", innerException: e);
        }

        var code = (int)status;
        if (code is >= 300 and <= 399)
            throw Redirect(code, location, path, call);
        if (code == 404)
            throw await NotFoundAsync(path, resource, call, ct);
        if (code is < 200 or > 299)
            throw Failure(code, answer, retryAfter, resource, call, code == 403 ? forbidden?.Invoke(method, path) : null);
        if (code == 204)
            return [];
        string reason;
        try
        {
            if (CachetAnswer.Parse(answer) is JsonObject root && root.ContainsKey("data"))
                return root;
            reason = "not an object with data";
        }
        catch (FormatException e)
        {
            reason = e.Message;
        }

        throw new CachetApiException(
            CachetApiErrorKind.MalformedResponse, $"Cachet answered HTTP {code} without a JSON data object: {reason} ({call})", code);
    }

    /// <summary>A 3xx: where it points (user-info masked), and the <c>api_url</c> that would have avoided it.</summary>
    private CachetApiException Redirect(int code, Uri? location, string path, string call)
    {
        var target = location is null ? null
            : Domain.UrlCredentials.mask((location.IsAbsoluteUri ? location : new Uri(new Uri(baseUrl + path), location)).AbsoluteUri);
        var apiPath = path.Split('?')[0];
        var suggestion = target?.Split('?')[0] is { } place && place.EndsWith(apiPath, StringComparison.Ordinal) && place.Length > apiPath.Length
            ? $" (here: {place[..^apiPath.Length]})"
            : "";
        var where = target is null ? "without a Location" : $"to {target}";
        return new(
            CachetApiErrorKind.Redirected,
            $"Cachet answered HTTP {code}, redirecting {where}; redirects are not followed (a write would turn into a GET, and the token is never sent to another address): set cachet.api_url to the address Cachet answers at{suggestion} ({call})",
            code);
    }

    /// <summary>
    /// A 404 naming the URL requested; when the base URL has no <c>/api</c> path and <c>{base}/api/v1/ping</c> answers
    /// (asked once per transport), the message says that <c>api_url</c> probably lacks <c>/api/v1</c>.
    /// </summary>
    private async Task<CachetApiException> NotFoundAsync(string path, string resource, string call, CancellationToken ct)
    {
        var message = $"{resource} not found at {baseUrl}{path.Split('?')[0]} ({call})";
        if (!new Uri(baseUrl).AbsolutePath.Contains("/api", StringComparison.Ordinal)
            && await (apiPathMissing ??= AnswersAsync(baseUrl + "/api/v1/ping", ct)))
            message += $"; {baseUrl}/api/v1/ping answers, so cachet.api_url probably lacks /api/v1 (try {baseUrl}/api/v1)";
        return new(CachetApiErrorKind.NotFound, message, 404);
    }

    /// <summary>Whether a GET of <paramref name="url"/> (without the token) answers 2xx.</summary>
    private async Task<bool> AnswersAsync(string url, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(Json);
            if (basicAuth is not null)
                request.Headers.TryAddWithoutValidation("Authorization", basicAuth);
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static CachetApiException Failure(int code, byte[] body, TimeSpan? retryAfter, string resource, string call, string? forbidden) =>
        code switch
        {
            401 => new(CachetApiErrorKind.Unauthorized, $"Cachet rejected the API token ({call})", code),
            403 when forbidden is not null => new(CachetApiErrorKind.UnexpectedStatus, $"{forbidden} ({call})", code),
            400 or 422 => new(CachetApiErrorKind.BadRequest, $"Cachet refused the request: {CachetAnswer.ErrorDetails(body)} ({call})", code),
            429 => new(CachetApiErrorKind.RateLimited, $"Cachet is rate limiting requests ({call})", code, retryAfter),
            503 => new(CachetApiErrorKind.ServerError, $"Cachet failed with HTTP {code} ({call})", code, retryAfter),
            >= 500 => new(CachetApiErrorKind.ServerError, $"Cachet failed with HTTP {code} ({call})", code),
            _ => new(CachetApiErrorKind.UnexpectedStatus, $"Cachet answered HTTP {code} ({call})", code),
        };

    /// <summary>A header's first raw value: the typed parser would drop a value it cannot read, and cap nothing.</summary>
    private static string? FirstValue(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Reason(Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "the host name does not resolve",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "the connection failed",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "the TLS handshake failed",
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "the connection closed before the answer",
        _ => e.Message,
    };

    /// <summary>The path of a call without its query (queries may carry filter values; never the token).</summary>
    public static string Call(string path) => "/" + path.TrimStart('/').Split('?')[0];
}
