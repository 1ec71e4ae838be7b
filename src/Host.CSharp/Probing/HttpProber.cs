using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Makes one HTTP request for an endpoint and reports what it observed. Shares one connection pool across
/// endpoints (a second one for <c>insecure: true</c>) and never throws for a failed request.
/// </summary>
public sealed class HttpProber : IDisposable
{
    private readonly HttpClient _verified;
    private readonly HttpClient _insecure;
    private readonly ProbeOptions _options;

    static HttpProber() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public HttpProber(ProbeOptions options)
    {
        _options = options;
        _verified = new HttpClient(CreateHandler(options, insecure: false)) { Timeout = Timeout.InfiniteTimeSpan };
        _insecure = new HttpClient(CreateHandler(options, insecure: true)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler CreateHandler(ProbeOptions options, bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = options.MaxRedirects,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            // Bounded: without a cap, a burst of due checks against one server (10,000 endpoints on one host
            // at start-up) opens a connection per request and the connects starve the checks; with it, requests
            // wait briefly for a pooled connection.
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            UseCookies = false,
        };
        if (insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        return handler;
    }

    /// <summary>Whether a REGEX expectation needs the body; otherwise it is not read.</summary>
    private static bool NeedsBody(Endpoint endpoint) =>
        endpoint.Expectations.Any(e => e.Kind.IsBodyRegex);

    /// <summary>Probes once; <paramref name="stopping"/> cancels for shutdown (then the result is discarded).</summary>
    public async Task<Observation> ProbeAsync(Endpoint endpoint, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(endpoint.TimeoutSeconds));
        var client = endpoint.Insecure ? _insecure : _verified;
        try
        {
            using var request = BuildRequest(endpoint);
            var clock = Stopwatch.StartNew();
            using var response = await client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var latency = clock.Elapsed.TotalSeconds;
            var body = NeedsBody(endpoint)
                ? await BodyReader.ReadAsync(response.Content, _options.MaxBodyBytes, timeout.Token).ConfigureAwait(false)
                : string.Empty;
            return Observation.NewResponded(new Response((int)response.StatusCode, latency, body));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Observation.TimedOut;
        }
        catch (HttpRequestException e)
        {
            return Observation.NewUnreachable(Describe(e));
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or InvalidOperationException or UriFormatException)
        {
            return Observation.NewUnreachable(Describe(e));
        }
    }

    private static HttpRequestMessage BuildRequest(Endpoint endpoint)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method.ToUpperInvariant()), endpoint.Url);
        var body = endpoint.BodyOrNull;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
        }
        foreach (var header in endpoint.HeaderList)
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

    /// <summary>The innermost meaningful error text, on one line.</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is HttpRequestException)
        {
            inner = inner.InnerException;
        }
        var text = inner == e || e.Message.Contains(inner.Message, StringComparison.Ordinal) ? e.Message : $"{e.Message} {inner.Message}";
        return text.ReplaceLineEndings(" ").Trim();
    }

    public void Dispose()
    {
        _verified.Dispose();
        _insecure.Dispose();
    }
}
