using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Configuration;

/// <summary>
/// Reads the files a config names (<c>ca_file</c>, <c>client_certificate</c>, <c>client_key</c>) at load, since the
/// core does no I/O: a file that cannot be read or holds no usable PEM is a config error naming the key and its
/// line. Messages name the file, never its content.
/// </summary>
public static class ConfigFiles
{
    /// <summary>One rendered error per unusable file, in config order.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<ConfigFile> files) =>
        files
            .Select(file => (file, problem: Problem(file)))
            .Where(found => found.problem is not null)
            .Select(found => ConfigIssueModule.render(new ConfigIssue(found.file.Path, found.file.Position, found.problem!)))
            .ToList();

    private static string? Problem(ConfigFile file)
    {
        try
        {
            switch (file.Kind.Tag)
            {
                case ConfigFileKind.Tags.CaCertificates:
                    Probing.RequestHandlers.Certificates(file.File);
                    return null;
                case ConfigFileKind.Tags.ClientCertificate:
                    Probing.RequestHandlers.Certificates(file.File);
                    return Paired(file);
                default:
                    return PrivateKey(File.ReadAllText(file.File)) ? null : $"\"{file.File}\" holds no PEM private key (-----BEGIN PRIVATE KEY-----)";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"cannot use \"{file.File}\": {e.Message}";
        }
    }

    /// <summary>The certificate with its key (from <c>client_key</c>, else from its own file).</summary>
    private static string? Paired(ConfigFile file)
    {
        var keyFile = file.KeyFileOrNull;
        if (keyFile is not null && !PrivateKey(File.ReadAllText(keyFile)))
        {
            return null; // client_key's own error says what is wrong.
        }
        try
        {
            using var paired = X509Certificate2.CreateFromPemFile(file.File, keyFile);
            return paired.HasPrivateKey ? null : $"\"{file.File}\" has no private key: set client_key";
        }
        catch (CryptographicException) when (keyFile is not null)
        {
            return $"\"{file.File}\" does not match the private key in client_key (\"{keyFile}\"), or the key is encrypted (not supported)";
        }
        catch (CryptographicException)
        {
            return $"\"{file.File}\" holds no private key for its certificate: set client_key (an encrypted key is not supported)";
        }
    }

    private static bool PrivateKey(string text)
    {
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                return true;
            }
            rest = rest[fields.Location.End..];
        }
        return false;
    }
}
