using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CachetMonitor.Host.Cachet;

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
    HttpClient http, string baseUrl, Action<HttpRequestMessage> authorise, TimeProvider time, Func<HttpMethod, string, string>? forbidden = null)
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

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
    public Task<JsonObject> PostIncidentUpdateAsync(int incidentId, int status, string message, CancellationToken ct) =>
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
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        byte[] answer;
        HttpStatusCode status;
        TimeSpan? retryAfter;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            status = response.StatusCode;
            retryAfter = RetryAfterHeader.Parse(FirstValue(response.Headers, "Retry-After"), time.GetUtcNow());
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

    private static CachetApiException Failure(int code, byte[] body, TimeSpan? retryAfter, string resource, string call, string? forbidden) =>
        code switch
        {
            401 => new(CachetApiErrorKind.Unauthorized, $"Cachet rejected the API token ({call})", code),
            403 when forbidden is not null => new(CachetApiErrorKind.UnexpectedStatus, $"{forbidden} ({call})", code),
            404 => new(CachetApiErrorKind.NotFound, $"{resource} not found ({call})", code),
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
