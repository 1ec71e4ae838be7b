using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// Puts the config's request options on a handler: extra trusted CAs (<c>ca_file</c>), a client certificate
/// (<c>client_certificate</c>, <c>client_key</c>), a proxy (<c>proxy</c>) and the redirect choice
/// (<c>follow_redirects</c>). Shared by the probes and the Cachet client. Key material never leaves the handler.
/// </summary>
public static class RequestHandlers
{
    /// <summary>True when the options are all defaults (the probes' two shared pools serve such endpoints).</summary>
    public static bool IsDefault(RequestOptions options) =>
        options.ProxyOrNull is null && options.FollowRedirects && !HasTls(options.Tls);

    /// <summary>True when a CA file or a client certificate is configured.</summary>
    public static bool HasTls(TlsFiles tls) => tls.CaFileOrNull is not null || tls.ClientCertificateOrNull is not null;

    /// <summary>Applies every option of an endpoint.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="CryptographicException">A file holds no usable PEM.</exception>
    public static void Apply(SocketsHttpHandler handler, RequestOptions options, bool insecure)
    {
        handler.AllowAutoRedirect = options.FollowRedirects;
        ApplyTls(handler, options.Tls, insecure);
        if (options.ProxyOrNull is { } proxy)
        {
            handler.Proxy = Proxy(proxy);
            handler.UseProxy = true;
        }
    }

    /// <summary>Trusts the CA file's certificates besides the system store, and offers the client certificate.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="CryptographicException">A file holds no usable PEM.</exception>
    public static void ApplyTls(SocketsHttpHandler handler, TlsFiles tls, bool insecure)
    {
        // insecure: true already accepts every certificate (HttpProber's own callback); the CA file adds nothing.
        if (tls.CaFileOrNull is { } caFile && !insecure)
        {
            var roots = Certificates(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trusted(certificate, chain, errors, roots);
        }
        if (tls.ClientCertificateOrNull is { } certificateFile)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificateFile, tls.ClientKeyOrNull)];
        }
    }

    /// <summary>The PEM certificates of a file; none is an error.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="CryptographicException">The file holds no PEM certificate.</exception>
    public static X509Certificate2Collection Certificates(string file)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(file);
        if (certificates.Count == 0)
        {
            throw new CryptographicException("the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /// <summary>
    /// Trusted by the system store, or else by a chain to one of <paramref name="roots"/>; a name mismatch is never
    /// forgiven.
    /// </summary>
    private static bool Trusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 leaf)
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // The intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }
        return custom.Build(leaf);
    }

    /// <summary>A proxy for a URL; its user-info becomes the proxy's credentials (the URL itself keeps none).</summary>
    public static WebProxy Proxy(string url)
    {
        var uri = new Uri(url);
        var proxy = new WebProxy(new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
        }
        return proxy;
    }
}
