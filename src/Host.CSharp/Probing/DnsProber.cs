using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CachetMonitor.Domain;
using DnsClient;
using DnsClient.Protocol;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// <c>dns://RESOLVER[:PORT]/NAME?type=T</c>: asks that resolver once (no cache, no retry; TCP when the answer is
/// truncated) and reports the response code and the answers as text; the latency is the time to the answer.
/// </summary>
public sealed class DnsProber : IProber, IDisposable
{
    // One client per resolver and time-out: a LookupClient is thread-safe and keeps its sockets' settings.
    private readonly ConcurrentDictionary<(IPEndPoint Server, double Timeout), LookupClient> _clients = new();

    public async Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken token, CancellationToken stopping)
    {
        var endpoint = probe.Endpoint;
        if (endpoint.Target is not ProbeTarget.DnsTarget { query: var query })
        {
            return Observation.NewUnreachable($"not a dns:// URL: {UrlCredentials.mask(endpoint.Url)}");
        }
        try
        {
            var server = await ServerAsync(query, token).ConfigureAwait(false);
            var client = _clients.GetOrAdd((server, endpoint.TimeoutSeconds), key => new LookupClient(new LookupClientOptions(key.Server)
            {
                UseCache = false,
                Retries = 0,
                Timeout = TimeSpan.FromSeconds(key.Timeout),
                ThrowDnsErrors = false,
                ContinueOnDnsError = false,
                ContinueOnEmptyResponse = false,
                UseTcpFallback = true,
            }));
            var started = Stopwatch.GetTimestamp();
            var response = await client.QueryAsync(query.Name, TypeOf(query.RecordType), QueryClass.IN, token).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var records = response.Answers.Select(Record).OfType<DnsRecord>().ToList();
            var result = new DnsResult(query.Name, CodeName(response.Header.ResponseCode), Microsoft.FSharp.Collections.ListModule.OfSeq(records));
            return Observation.NewResponded(new Response(null, latency, "", null, Microsoft.FSharp.Core.FSharpOption<DnsResult>.Some(result)));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Observation.TimedOut;
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout)
        {
            return Observation.TimedOut;
        }
        catch (Exception e) when (e is DnsResponseException or SocketException or IOException or ArgumentException)
        {
            return Observation.NewUnreachable(e.Message.ReplaceLineEndings(" ").Trim());
        }
    }

    /// <summary>The resolver's address: as written, or its host name resolved.</summary>
    private static async Task<IPEndPoint> ServerAsync(DnsQuery query, CancellationToken token)
    {
        if (IPAddress.TryParse(query.Resolver, out var address))
        {
            return new IPEndPoint(address, query.Port);
        }
        var addresses = await Dns.GetHostAddressesAsync(query.Resolver, token).ConfigureAwait(false);
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], query.Port)
            : throw new SocketException((int)SocketError.HostNotFound);
    }

    private static QueryType TypeOf(DnsRecordType type) => type.Tag switch
    {
        DnsRecordType.Tags.AAAA => QueryType.AAAA,
        DnsRecordType.Tags.CNAME => QueryType.CNAME,
        DnsRecordType.Tags.MX => QueryType.MX,
        DnsRecordType.Tags.TXT => QueryType.TXT,
        _ => QueryType.A,
    };

    /// <summary>An answer as the core compares it: names without the root dot, MX as <c>PREFERENCE HOST</c>, TXT strings joined.</summary>
    private static DnsRecord? Record(DnsResourceRecord record) => record switch
    {
        ARecord a => new DnsRecord("A", a.Address.ToString()),
        AaaaRecord aaaa => new DnsRecord("AAAA", aaaa.Address.ToString()),
        CNameRecord cname => new DnsRecord("CNAME", Name(cname.CanonicalName)),
        MxRecord mx => new DnsRecord("MX", $"{mx.Preference.ToString(CultureInfo.InvariantCulture)} {Name(mx.Exchange)}"),
        TxtRecord txt => new DnsRecord("TXT", string.Concat(txt.Text)),
        _ => null,
    };

    private static string Name(DnsString name) => name.Value.TrimEnd('.');

    /// <summary>The response code as DNS tools print it.</summary>
    private static string CodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.NoError => "NOERROR",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.NotExistentDomain => "NXDOMAIN",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        DnsHeaderResponseCode.Refused => "REFUSED",
        _ => code.ToString().ToUpperInvariant(),
    };

    public void Dispose() => _clients.Clear();
}
