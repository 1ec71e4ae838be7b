namespace CachetMonitor.Host.Probing;

/// <summary>Limits that apply to every probe.</summary>
public sealed record ProbeOptions
{
    /// <summary>The most body bytes read for REGEX expectations (default 1 MiB).</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>The most redirects followed before a check counts as unreachable.</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>The most connections open at once to one server (scheme, host and port), shared by its endpoints.</summary>
    public int MaxConnectionsPerServer { get; init; } = 256;
}
