namespace CachetMonitor.FakeServers;

/// <summary>The Cachet API flavour a <see cref="FakeCachet"/> reproduces.</summary>
public enum FakeCachetVersion
{
    /// <summary>Cachet 2.4: incident updates route, PHP-style boolean casts.</summary>
    V24,

    /// <summary>Cachet 2.3: no updates route, strict boolean rule, PUT on a component re-enables it.</summary>
    V23,

    /// <summary>
    /// Cachet 3.x (<c>cachethq/core</c>): <c>{path}/api</c> without <c>/v1</c>, Bearer tokens with abilities, JSON:API
    /// records, 201/204/422/403/429, incident impacts and the per-user rate limiter.
    /// </summary>
    V3,
}
