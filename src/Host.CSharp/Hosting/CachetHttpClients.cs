using System.Collections.Concurrent;
using CachetMonitor.Domain;
using CachetMonitor.Host.Probing;

namespace CachetMonitor.Host.Hosting;

/// <summary>
/// The HTTP client of Cachet calls: the factory's <see cref="MonitorHttpClients.Cachet"/> client, or, when the
/// <c>cachet</c> section names TLS files (<c>ca_file</c>, <c>client_certificate</c>), a client over a handler kept per
/// set of files — the factory's handlers are fixed at start-up, and a reload with the same files must reuse the
/// running pool. Both follow no redirect and send the User-Agent.
/// </summary>
public sealed class CachetHttpClients(IHttpClientFactory factory) : IDisposable
{
    /// <summary>How long one Cachet call may take (as the factory's client).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<TlsFiles, SocketsHttpHandler> _handlers = new();

    /// <summary>A client for Cachet calls with these TLS files (none set: the factory's).</summary>
    public HttpClient For(TlsFiles tls)
    {
        if (!RequestHandlers.HasTls(tls))
        {
            return factory.CreateClient(MonitorHttpClients.Cachet);
        }
        var handler = _handlers.GetOrAdd(tls, files =>
        {
            var created = new SocketsHttpHandler { AllowAutoRedirect = false };
            RequestHandlers.ApplyTls(created, files, insecure: false);
            return created;
        });
        var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout };
        client.DefaultRequestHeaders.TryAddWithoutValidation(UserAgent.HeaderName, UserAgent.Value);
        return client;
    }

    public void Dispose()
    {
        foreach (var handler in _handlers.Values)
        {
            handler.Dispose();
        }
    }
}
