namespace CachetMonitor.Host.Cachet.Api;

/// <summary>Why a Cachet API call failed.</summary>
public enum CachetApiErrorKind
{
    /// <summary>401: Cachet rejected the API token.</summary>
    Unauthorized,

    /// <summary>404: the component, metric or incident (or, on 2.3, the route) does not exist.</summary>
    NotFound,

    /// <summary>400 (or 422): Cachet refused the input; the message carries its validation details.</summary>
    BadRequest,

    /// <summary>429: too many requests; see <see cref="CachetApiException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>5xx.</summary>
    ServerError,

    /// <summary>
    /// 3xx: Cachet is elsewhere (<c>http://</c> redirected to <c>https://</c>, say). Redirects are never followed:
    /// a write would turn into a GET, and the token would go to another address. The message names the
    /// <c>Location</c>; <c>cachet.api_url</c> needs fixing.
    /// </summary>
    Redirected,

    /// <summary>Any other non-success status (403, 405, 406, …).</summary>
    UnexpectedStatus,

    /// <summary>No HTTP answer: connection refused or reset, name resolution, TLS.</summary>
    Transport,

    /// <summary>The call did not complete within the HTTP client's timeout.</summary>
    Timeout,

    /// <summary>A success status whose body is not JSON or not the expected shape.</summary>
    MalformedResponse,
}
