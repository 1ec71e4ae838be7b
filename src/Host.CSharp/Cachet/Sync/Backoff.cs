using CachetMonitor.Host.Cachet.Api;

namespace CachetMonitor.Host.Cachet.Sync;

/// <summary>
/// Exponential backoff with full jitter, honouring a server's Retry-After when it asks for longer, up to
/// <see cref="RetryAfterHeader.MaxWait"/> (the server's word is capped wherever it comes from).
/// </summary>
public static class Backoff
{
    public static TimeSpan Delay(int failures, CachetWriteOptions options, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(failures, 16);
        var ceiling = Math.Min(options.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent), options.MaxBackoff.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
        return retryAfter is { } asked && RetryAfterHeader.Cap(asked) > jittered ? RetryAfterHeader.Cap(asked) : jittered;
    }
}
