using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// The TLS handshake of <c>tls://</c> checks and of <c>https://</c> ones that read the certificate: the leaf the
/// server presented is read in the validation callback, so <c>insecure: true</c> (which accepts any certificate)
/// still sees its expiry.
/// </summary>
public static class TlsCertificate
{
    /// <summary>Makes the handshake over <paramref name="stream"/> and gives the server's certificate.</summary>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The certificate is not trusted (and <paramref name="insecure"/> is false).</exception>
    public static async Task<(SslStream Stream, Certificate Certificate)> HandshakeAsync(Stream stream, string host, bool insecure, CancellationToken token)
    {
        Certificate? seen = null;
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is not null)
                    {
                        seen = Of(certificate);
                    }
                    return insecure || errors == SslPolicyErrors.None;
                },
            };
            await tls.AuthenticateAsClientAsync(options, token).ConfigureAwait(false);
            return (tls, seen ?? throw new IOException("the server presented no certificate"));
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, makes the handshake and gives the certificate (the HTTP probe's hook).</summary>
    public static async Task<Certificate> ReadAsync(string host, int port, bool insecure, CancellationToken token)
    {
        var socket = await TcpProber.ConnectAsync(host, port, token).ConfigureAwait(false);
        var (tls, certificate) = await HandshakeAsync(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), host, insecure, token).ConfigureAwait(false);
        await tls.DisposeAsync().ConfigureAwait(false);
        return certificate;
    }

    private static Certificate Of(X509Certificate certificate)
    {
        // The callback's certificate belongs to the SslStream: read it, never dispose it.
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return new Certificate(leaf.Subject, new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero), DateTimeOffset.UtcNow);
    }
}
