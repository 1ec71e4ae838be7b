using System.Text;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Probing;

/// <summary>
/// A URL's user-info as HTTP Basic auth (as python-requests, and so the original, sends it): HttpClient would
/// otherwise drop it silently.
/// </summary>
public static class BasicAuth
{
    /// <summary>
    /// The <c>Authorization</c> value for a URL's user-info (UTF-8, RFC 7617), or null when it has none or the
    /// request sets its own <c>Authorization</c> header (<paramref name="headerNames"/>), which then wins.
    /// </summary>
    public static string? For(string url, IEnumerable<string> headerNames)
    {
        // An F# None is null.
        var credentials = UrlCredentials.credentials(url);
        if (credentials is null || headerNames.Any(n => n.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        var (user, password) = credentials.Value;
        return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
    }
}
