using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Makes one HTTP request for an endpoint and reports what it observed. Shares one connection pool across
/// endpoints (a second one for <c>insecure: true</c>, and one per distinct set of request options) and never throws
/// for a failed request.
/// </summary>
public sealed class HttpProber : IProber, IDisposable
{
    // Invokers, not HttpClients: HttpClient links every caller's token with its own (an allocation per check)
    // and adds nothing a probe needs; a handler answers once the headers are in, as ResponseHeadersRead does.
    private readonly HttpMessageInvoker _verified;
    private readonly HttpMessageInvoker _insecure;
    private readonly ProbeOptions _options;
    // Endpoints with their own TLS files, proxy or redirect choice: a pool per distinct option set.
    private readonly HandlerPool _pool;

    static HttpProber() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public HttpProber(ProbeOptions options)
    {
        _options = options;
        _verified = new HttpMessageInvoker(CreateHandler(options, insecure: false));
        _insecure = new HttpMessageInvoker(CreateHandler(options, insecure: true));
        _pool = new HandlerPool(insecure => CreateHandler(options, insecure));
    }

    private static SocketsHttpHandler CreateHandler(ProbeOptions options, bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = options.MaxRedirects,
            // Bodies are decompressed by BodyReader, and only when a REGEX reads them: the handler's automatic
            // decompression costs every check (~800 bytes of garbage each) whether its body is read or not.
            AutomaticDecompression = System.Net.DecompressionMethods.None,
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

    /// <summary>Probes once with a request prepared earlier.</summary>
    public async Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(probe.Endpoint.TimeoutSeconds));
        return await ProbeAsync(probe, timeout.Token, stopping).ConfigureAwait(false);
    }

    /// <summary>Probes once with a request and a time-out kept per endpoint (the scheduler's way: nothing allocated per check for either).</summary>
    public async Task<Observation> ProbeAsync(ProbeRequest probe, CheckTimeout timeout, CancellationToken stopping)
    {
        var token = timeout.Start(TimeSpan.FromSeconds(probe.Endpoint.TimeoutSeconds));
        try
        {
            return await ProbeAsync(probe, token, stopping).ConfigureAwait(false);
        }
        finally
        {
            timeout.Finish();
        }
    }

    /// <summary>One request; <paramref name="token"/> fires at the time-out or at shutdown, <paramref name="stopping"/> tells which.</summary>
    public async Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken token, CancellationToken stopping)
    {
        if (probe.Uri is null)
        {
            return Observation.NewUnreachable(probe.Invalid!);
        }
        var invoker = probe.Endpoint.Insecure ? _insecure : _verified;
        if (!RequestHandlers.IsDefault(probe.Endpoint.Request)
            && !_pool.TryGet(probe.Endpoint.Insecure, probe.Endpoint.Request, out invoker, out var problem))
        {
            return Observation.NewUnreachable(problem);
        }
        try
        {
            using var request = probe.NewMessage();
            var started = Stopwatch.GetTimestamp();
            using var response = await invoker.SendAsync(request, token).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var body = probe.NeedsBody
                ? await BodyReader.ReadAsync(response.Content, _options.MaxBodyBytes, token).ConfigureAwait(false)
                : string.Empty;
            var answer = ResponseModule.http((int)response.StatusCode, latency, body);
            if (probe.Endpoint.NeedsCertificate)
            {
                // The hook for CERTIFICATE_EXPIRATION: a pooled connection shows no handshake, so one of its own reads the leaf.
                var certificate = await TlsCertificate.ReadAsync(probe.Uri.IdnHost, probe.Uri.Port, probe.Endpoint.Insecure, token).ConfigureAwait(false);
                answer = new Response(answer.StatusCode, latency, body, Microsoft.FSharp.Core.FSharpOption<Certificate>.Some(certificate), null);
            }
            return Observation.NewResponded(answer);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Observation.TimedOut;
        }
        catch (HttpRequestException e)
        {
            return Observation.NewUnreachable(Describe(e));
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or InvalidOperationException or UriFormatException or InvalidDataException)
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
        _pool.Dispose();
    }
}
