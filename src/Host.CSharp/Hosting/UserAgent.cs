namespace CachetMonitor.Host.Hosting;

/// <summary>
/// The <c>User-Agent</c> every probe, Cachet call and webhook sends (unless an endpoint's <c>header</c> sets one):
/// some targets, GitHub's API among them, refuse requests without one.
/// </summary>
public static class UserAgent
{
    public const string HeaderName = "User-Agent";

    /// <summary><c>cachet-monitor/&lt;version&gt;</c>.</summary>
    public static readonly string Value = $"cachet-monitor/{Version()}";

    private static string Version()
    {
        var version = typeof(UserAgent).Assembly.GetName().Version;
        return version is null ? "0" : $"{version.Major}.{version.Minor}.{version.Build}";
    }
}
