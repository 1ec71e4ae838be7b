using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Picks the probe for an endpoint by its URL's scheme (http(s), <c>tcp://</c>/<c>tls://</c>, <c>dns://</c>) and
/// bounds each probe by the endpoint's <c>timeout</c>.
/// </summary>
public sealed class Probers(HttpProber http) : IDisposable
{
    private readonly TcpProber _tcp = new();
    private readonly DnsProber _dns = new();

    /// <summary>The HTTP probe (the warm-up uses it directly).</summary>
    public HttpProber Http => http;

    /// <summary>The probe of the endpoint's kind of URL.</summary>
    public IProber For(Endpoint endpoint) => endpoint.Target switch
    {
        ProbeTarget.TcpTarget => _tcp,
        ProbeTarget.DnsTarget => _dns,
        _ => http,
    };

    /// <summary>Probes once; <paramref name="stopping"/> cancels for shutdown (then the result is discarded).</summary>
    public async Task<Observation> ProbeAsync(Endpoint endpoint, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(endpoint.TimeoutSeconds));
        return await For(endpoint).ProbeAsync(ProbeRequest.For(endpoint), timeout.Token, stopping).ConfigureAwait(false);
    }

    /// <summary>Probes once with a request and a time-out kept per endpoint (the scheduler's way).</summary>
    public async Task<Observation> ProbeAsync(ProbeRequest probe, CheckTimeout timeout, CancellationToken stopping)
    {
        var token = timeout.Start(TimeSpan.FromSeconds(probe.Endpoint.TimeoutSeconds));
        try
        {
            return await For(probe.Endpoint).ProbeAsync(probe, token, stopping).ConfigureAwait(false);
        }
        finally
        {
            timeout.Finish();
        }
    }

    public void Dispose() => _dns.Dispose();
}
