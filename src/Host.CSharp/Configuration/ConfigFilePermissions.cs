using CachetMonitor.Domain;

namespace CachetMonitor.Host.Configuration;

/// <summary>Warns when a config file that holds a literal Cachet token can be read by every user.</summary>
public static class ConfigFilePermissions
{
    /// <summary>
    /// The warning to print, or null: when <c>cachet.token</c> is written in the file (the plain-string form or a
    /// <c>TOKEN</c> provider, not taken from <c>${VAR}</c>) and the file has the world-read bit. Never names the token.
    /// </summary>
    public static string? WorldReadableTokenWarning(string path, Config config, IReadOnlyList<string?> environmentValues)
    {
        if (OperatingSystem.IsWindows() || !HoldsLiteralToken(config.Cachet.Token, environmentValues))
        {
            return null;
        }
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return mode.HasFlag(UnixFileMode.OtherRead)
            ? $"{path} holds a literal Cachet token and is readable by every user on this machine; run: chmod 600 {path}"
            : null;
    }

    private static bool HoldsLiteralToken(TokenSource source, IReadOnlyList<string?> environmentValues)
    {
        bool Literal(Secret secret) =>
            SecretModule.reveal(secret) is { Length: > 0 } value && !environmentValues.Contains(value);
        return source switch
        {
            TokenSource.PlainToken plain => Literal(plain.Item),
            TokenSource.Providers list => list.Item.Any(p => p is TokenProvider.LiteralToken literal && Literal(literal.Item)),
            _ => false,
        };
    }
}
