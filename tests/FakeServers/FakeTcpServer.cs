using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CachetMonitor.FakeServers;

/// <summary>
/// A TCP server on 127.0.0.1 for <c>tcp://</c> and <c>tls://</c> checks: it greets each connection with
/// <see cref="Banner"/>, answers what it receives with <see cref="Reply"/>, or stays silent; over TLS with the
/// given certificate. Counts the connections it accepted.
/// </summary>
public sealed class FakeTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private FakeTcpServer(X509Certificate2? certificate)
    {
        Certificate = certificate;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a server (TLS with <paramref name="certificate"/> when given).</summary>
    public static FakeTcpServer Start(X509Certificate2? certificate = null) => new(certificate);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The certificate new connections are served with (TLS); null serves plain TCP. A test may swap it.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Written to each connection once it is up (after the handshake over TLS); null writes nothing.</summary>
    public string? Banner { get; set; }

    /// <summary>The answer to what a connection sends (given its text); null answers nothing.</summary>
    public Func<string, string?>? Reply { get; set; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>A port on 127.0.0.1 nothing listens on (taken from the system and freed at once).</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            Stream stream = client.GetStream();
            if (Certificate is { } certificate)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
                stream = tls;
            }
            await using (stream)
            {
                if (Banner is { } banner)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(banner), _stop.Token);
                }
                var buffer = new byte[4096];
                while (true)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    if (Reply?.Invoke(Encoding.UTF8.GetString(buffer, 0, read)) is { } answer)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, or the server is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
