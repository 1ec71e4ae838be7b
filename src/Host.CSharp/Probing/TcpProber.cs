using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// <c>tcp://host:port</c> and <c>tls://host:port</c>: connects (and makes the TLS handshake) within the time-out;
/// the latency is the time that took. With <c>send</c> it writes that text, and with <c>expect</c> it reads the
/// first bytes (up to <see cref="MaxBannerBytes"/>) until the pattern matches, the server closes, or the time-out.
/// </summary>
public sealed class TcpProber : IProber
{
    /// <summary>The most bytes read for <c>expect</c>.</summary>
    public const int MaxBannerBytes = 4 * 1024;

    public async Task<Observation> ProbeAsync(ProbeRequest probe, CancellationToken token, CancellationToken stopping)
    {
        var endpoint = probe.Endpoint;
        if (endpoint.Target is not ProbeTarget.TcpTarget target)
        {
            return Observation.NewUnreachable($"not a tcp:// or tls:// URL: {UrlCredentials.mask(endpoint.Url)}");
        }
        var started = Stopwatch.GetTimestamp();
        Stream? stream = null;
        try
        {
            var socket = await ConnectAsync(target.host, target.port, token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            Certificate? certificate = null;
            if (target.tls)
            {
                var (tls, presented) = await TlsCertificate.HandshakeAsync(stream, target.host, endpoint.Insecure, token).ConfigureAwait(false);
                stream = tls;
                certificate = presented;
            }
            var latency = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var banner = await ConverseAsync(stream, endpoint, token).ConfigureAwait(false);
            var seen = certificate is null ? null : Microsoft.FSharp.Core.FSharpOption<Certificate>.Some(certificate);
            return Observation.NewResponded(new Response(null, latency, banner, seen, null));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Observation.TimedOut;
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            return Observation.NewUnreachable(e.Message.ReplaceLineEndings(" ").Trim());
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes <c>send</c>; with <c>expect</c>, reads until it matches, the server closes, the cap or the time-out (what came so far is kept).</summary>
    private static async Task<string> ConverseAsync(Stream stream, Endpoint endpoint, CancellationToken token)
    {
        if (endpoint.SendOrNull is { } send)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(send), token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
        }
        var expect = endpoint.Expectations.Select(e => e.Kind).OfType<ExpectationKind.Banner>().FirstOrDefault();
        if (expect is null)
        {
            return "";
        }
        var buffer = new byte[MaxBannerBytes];
        var filled = 0;
        try
        {
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                filled += read;
                if (RegexPatternModule.tryIsMatch(Text(buffer, filled), expect.pattern) is { Value: true })
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (filled > 0)
        {
            // Time is up with some bytes in: the core judges what came.
        }
        return Text(buffer, filled);
    }

    private static string Text(byte[] buffer, int length) => Encoding.UTF8.GetString(buffer, 0, length);

    /// <summary>A connected socket to <paramref name="host"/>:<paramref name="port"/> (a name is resolved; every address is tried).</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
