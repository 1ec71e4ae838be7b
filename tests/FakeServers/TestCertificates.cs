using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CachetMonitor.FakeServers;

/// <summary>Self-signed server certificates made in memory (no openssl), valid for 127.0.0.1 and localhost.</summary>
public static class TestCertificates
{
    /// <summary>A certificate for <paramref name="subject"/> (e.g. <c>CN=expiring.test</c>), valid from a day ago until <paramref name="notAfter"/>.</summary>
    public static X509Certificate2 SelfSigned(string subject, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);
        // Exported and loaded again: on Linux an ephemeral key cannot serve TLS.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
