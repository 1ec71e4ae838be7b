using System.Text;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// What every check of one endpoint sends, worked out once: the parsed URL, the method, the encoded body and
/// whether the body of the answer is needed. The scheduler keeps one per endpoint so that a check does not
/// parse the URL or scan the expectations again (at 10,000 checks a second that work shows in the profile).
/// </summary>
public sealed class ProbeRequest
{
    private ProbeRequest(Endpoint endpoint, Uri? uri, HttpMethod method, string? invalid)
    {
        Endpoint = endpoint;
        Uri = uri;
        Invalid = invalid;
        Method = method;
        Body = endpoint.BodyOrNull is { } body ? Encoding.UTF8.GetBytes(body) : null;
        NeedsBody = endpoint.NeedsBody;
        _acceptEncodingConfigured = endpoint.HeaderList.Any(h => h.Key.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase));
        _userAgentConfigured = endpoint.HeaderList.Any(h => h.Key.Equals(Hosting.UserAgent.HeaderName, StringComparison.OrdinalIgnoreCase));
        _basicAuth = BasicAuth.For(endpoint.Url, endpoint.HeaderList.Select(h => h.Key));
    }

    /// <summary>The content codings every check accepts unless its endpoint sets its own Accept-Encoding.</summary>
    public const string AcceptEncoding = "gzip, deflate, br";

    private readonly bool _acceptEncodingConfigured;
    private readonly bool _userAgentConfigured;
    private readonly string? _basicAuth;

    public Endpoint Endpoint { get; }

    /// <summary>The absolute URL, or null when the request cannot be made (then <see cref="Invalid"/> says why).</summary>
    public Uri? Uri { get; }

    /// <summary>Why no request can be made (an endpoint built without the config parser's checks), else null.</summary>
    public string? Invalid { get; }

    public HttpMethod Method { get; }

    /// <summary>The request body as UTF-8, or null for none.</summary>
    public byte[]? Body { get; }

    /// <summary>Whether a REGEX expectation needs the answer's body; otherwise it is not read.</summary>
    public bool NeedsBody { get; }

    public static ProbeRequest For(Endpoint endpoint)
    {
        // User-info is not requested as part of the URL: it goes in Authorization (see NewMessage).
        if (!Uri.TryCreate(UrlCredentials.strip(endpoint.Url), UriKind.Absolute, out var uri))
        {
            return new ProbeRequest(endpoint, null, HttpMethod.Get, $"invalid URL: '{UrlCredentials.mask(endpoint.Url)}' is not absolute");
        }
        try
        {
            return new ProbeRequest(endpoint, uri, HttpMethod.Parse(endpoint.Method.ToUpperInvariant()), null);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return new ProbeRequest(endpoint, null, HttpMethod.Get, $"invalid method '{endpoint.Method}': {e.Message}");
        }
    }

    /// <summary>A fresh message for one check (HttpClient does not allow a message to be sent twice).</summary>
    public HttpRequestMessage NewMessage()
    {
        var request = new HttpRequestMessage(Method, Uri);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        }
        if (!_acceptEncodingConfigured)
        {
            // As the original (python-requests) does; BodyReader undoes whichever coding the server picks.
            request.Headers.TryAddWithoutValidation("Accept-Encoding", AcceptEncoding);
        }
        if (!_userAgentConfigured)
        {
            request.Headers.TryAddWithoutValidation(Hosting.UserAgent.HeaderName, Hosting.UserAgent.Value);
        }
        if (_basicAuth is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", _basicAuth);
        }
        foreach (var header in Endpoint.HeaderList)
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(header.Key);
                request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        return request;
    }
}
