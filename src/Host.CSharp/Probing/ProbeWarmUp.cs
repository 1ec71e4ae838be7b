using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CachetMonitor.Domain;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Runs the probe path once, before the first check, against a loopback listener of the process's own: the
/// JIT and the HTTP stack's first use then cost nothing to the first real check (with <c>timeout: 0.05</c> it
/// used to time out at every start). One request per kind of check the config has (body read or not, request
/// body or not, TLS checks skipped or not); nothing is sent to a configured endpoint; bounded by
/// <see cref="Budget"/>, and never fails the caller.
/// </summary>
public static class ProbeWarmUp
{
    /// <summary>The longest the warm-up may hold up the first check.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    /// <summary>Warms <paramref name="prober"/> with requests shaped like the checks of <paramref name="endpoints"/>.</summary>
    public static async Task RunAsync(HttpProber prober, IEnumerable<Endpoint> endpoints, ILogger logger, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        budget.CancelAfter(Budget);
        var kinds = endpoints
            .Where(e => e.Target.IsHttpTarget)
            .DistinctBy(e => (ProbeRequest.For(e).NeedsBody, e.Insecure, e.BodyOrNull is null, e.Method.ToUpperInvariant() == "HEAD"))
            .ToList();
        try
        {
            await using var listener = new Responder();
            foreach (var endpoint in kinds)
            {
                var left = Budget - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }
                var copy = HostInterop.ProbeCopy(endpoint, listener.Url, left.TotalSeconds);
                // The scheduler's own overload, so the time-out's path is warmed too.
                using var timeout = new CheckTimeout(budget.Token);
                var observation = await prober.ProbeAsync(ProbeRequest.For(copy), timeout, budget.Token).ConfigureAwait(false);
                HostInterop.Evaluate(copy, observation);
            }
            logger.LogDebug("Warmed up the probes with {Count} loopback request(s) in {Elapsed:0} ms", kinds.Count, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            // Best effort: the first check only risks being slower.
            logger.LogDebug("Warming up the probes stopped after {Elapsed:0} ms: {Reason}", clock.Elapsed.TotalMilliseconds, e.Message);
        }
    }

    /// <summary>A minimal HTTP/1.1 server on 127.0.0.1: every request gets <c>200 ok</c> and the connection is closed.</summary>
    private sealed class Responder : IAsyncDisposable
    {
        private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public Responder()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/cachet-monitor-warm-up";
            _accepting = AcceptAsync();
        }

        public string Url { get; }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                    _ = AnswerAsync(client);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                var (head, extra) = await ReadHeadAsync(stream).ConfigureAwait(false);
                // Read the request body too: closing with unread bytes would reset the connection under the answer.
                for (var left = ContentLength(head) - extra; left > 0;)
                {
                    var read = await stream.ReadAsync(new byte[Math.Min(left, 4096)], _stop.Token).ConfigureAwait(false);
                    left = read == 0 ? 0 : left - read;
                }
                var body = head.StartsWith("HEAD ", StringComparison.Ordinal) ? "" : "ok";
                var answer = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The prober gave up (its budget ran out) or the warm-up is over.
            }
        }

        /// <summary>The request's head as text, and how many bytes after it were read already.</summary>
        private async Task<(string Head, int Extra)> ReadHeadAsync(NetworkStream stream)
        {
            var buffer = new byte[16 * 1024];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                filled += read;
                var end = buffer.AsSpan(0, filled).IndexOf(HeadEnd);
                if (end >= 0)
                {
                    return (Encoding.ASCII.GetString(buffer, 0, end), filled - end - HeadEnd.Length);
                }
            }
            throw new IOException("no complete request head");
        }

        private static int ContentLength(string head)
        {
            foreach (var line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(line.AsSpan("Content-Length:".Length).Trim(), out var length))
                {
                    return length;
                }
            }
            return 0;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            await _accepting.ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
