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

    /// <summary>Probes once; <paramref name="stopping"/> cancels for shutdown (then the result is discarded).</summary>
    public Task<Observation> ProbeAsync(Endpoint endpoint, CancellationToken stopping) =>
        ProbeAsync(ProbeRequest.For(endpoint), stopping);

    /// <summary>Probes once with a request prepared earlier (the scheduler keeps one per endpoint).</summary>
    public async Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken stopping)
    {
        if (probe.Uri is null)
        {
            return Observation.NewUnreachable(probe.Invalid!);
        }
        var endpoint = probe.Endpoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(endpoint.TimeoutSeconds));
        var client = endpoint.Insecure ? _insecure : _verified;
        try
        {
            using var request = probe.NewMessage();
            var started = Stopwatch.GetTimestamp();
            using var response = await client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var body = probe.NeedsBody
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
