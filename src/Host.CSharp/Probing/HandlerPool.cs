using System.Collections.Concurrent;
using System.Security.Cryptography;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// One connection pool per distinct set of request options (TLS files, proxy, redirects) and <c>insecure</c>:
/// endpoints that share options share a handler, however many checks they make. A handler whose files cannot be
/// used is not kept, so the next check tries again.
/// </summary>
internal sealed class HandlerPool(Func<bool, SocketsHttpHandler> baseHandler) : IDisposable
{
    private readonly ConcurrentDictionary<(bool Insecure, RequestOptions Options), HttpMessageInvoker> _invokers = new();
    private readonly Lock _gate = new();

    /// <summary>The invoker for an option set, or false and why the options cannot be used.</summary>
    public bool TryGet(bool insecure, RequestOptions options, out HttpMessageInvoker invoker, out string problem)
    {
        problem = string.Empty;
        if (_invokers.TryGetValue((insecure, options), out invoker!))
        {
            return true;
        }
        lock (_gate)
        {
            if (_invokers.TryGetValue((insecure, options), out invoker!))
            {
                return true;
            }
            var handler = baseHandler(insecure);
            try
            {
                RequestHandlers.Apply(handler, options, insecure);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                handler.Dispose();
                problem = $"cannot use the endpoint's TLS files: {e.Message}";
                return false;
            }
            invoker = new HttpMessageInvoker(handler);
            _invokers[(insecure, options)] = invoker;
            return true;
        }
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }
}
