namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A failed Cachet API call, classified. The message names the problem and the call (method and path) and never
/// contains the API token.
/// </summary>
public sealed class CachetApiException : Exception
{
    /// <summary>Creates a classified failure.</summary>
    public CachetApiException(
        CachetApiErrorKind kind,
        string message,
        int? statusCode = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Why the call failed.</summary>
    public CachetApiErrorKind Kind { get; }

    /// <summary>The HTTP status code, when Cachet answered.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// How long a 429 or 503 asked us to wait, when it said so (seconds or an HTTP date), at most
    /// <see cref="RetryAfterHeader.MaxWait"/>.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether retrying the same call later may succeed: transport errors, time-outs, 5xx and 429.</summary>
    public bool IsTransient => Kind is CachetApiErrorKind.Transport
        or CachetApiErrorKind.Timeout
        or CachetApiErrorKind.ServerError
        or CachetApiErrorKind.RateLimited;
}
