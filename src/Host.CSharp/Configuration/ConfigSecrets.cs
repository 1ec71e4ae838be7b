using CachetMonitor.Domain;

namespace CachetMonitor.Host.Configuration;

/// <summary>
/// Values a config holds that are credentials even though no <c>${VAR}</c> gave them: the user-info of every URL
/// (endpoints, webhooks, <c>api_url</c>, <c>proxy</c>) and the values of headers whose name says they carry one. They are masked
/// in every output like the token.
/// </summary>
public static class ConfigSecrets
{
    /// <summary>Whether a header's value is a credential: <c>Authorization</c>, <c>Cookie</c>, or a name with
    /// <c>token</c>, <c>key</c>, <c>secret</c> or <c>password</c> in it.</summary>
    public static bool IsSensitiveHeader(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower is "authorization" or "proxy-authorization" or "cookie"
            || lower.Contains("token", StringComparison.Ordinal)
            || lower.Contains("key", StringComparison.Ordinal)
            || lower.Contains("secret", StringComparison.Ordinal)
            || lower.Contains("password", StringComparison.Ordinal);
    }

    /// <summary>The texts to mask: URL user-info and sensitive header values (also without an auth scheme such as
    /// <c>Bearer</c>).</summary>
    public static IReadOnlyList<string> Of(Config config)
    {
        var urls = config.Endpoints.Select(e => e.Url)
            .Concat(config.Webhooks.Select(w => TemplateModule.source(w.Url)))
            .Append(config.Cachet.ApiUrl)
            .Concat(config.Endpoints.Select(e => e.Request.ProxyOrNull).OfType<string>());
        var headers = config.Endpoints
            .SelectMany(e => e.HeaderList)
            .Where(h => IsSensitiveHeader(h.Key))
            .SelectMany(h => HeaderValueParts(h.Value));
        return [.. urls.SelectMany(UrlCredentials.secrets).Concat(headers).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> HeaderValueParts(string value)
    {
        var trimmed = value.Trim();
        yield return trimmed;
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
            yield return trimmed[(space + 1)..].Trim();
    }
}
