using System.Text.RegularExpressions;
using Amazon;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// Where GetSecretValue is sent: <c>https://secretsmanager.{region}.{partition suffix}</c>, or an override from
/// <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, then <c>AWS_ENDPOINT_URL</c>.
/// </summary>
/// <param name="Uri">The URL to POST to.</param>
/// <param name="Host">The Host header as sent and signed: <c>host</c>, or <c>host:port</c> for a non-default port.</param>
public sealed partial record SecretsManagerEndpoint(Uri Uri, string Host)
{
    /// <summary>The service-specific endpoint override variable.</summary>
    public const string ServiceOverrideVariable = "AWS_ENDPOINT_URL_SECRETS_MANAGER";

    /// <summary>The global endpoint override variable.</summary>
    public const string GlobalOverrideVariable = "AWS_ENDPOINT_URL";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex RegionPattern();

    /// <summary>
    /// Resolves the endpoint for <paramref name="region"/>, reading overrides through
    /// <paramref name="environment"/>. Returns null and a reason when the region or an override is unusable.
    /// </summary>
    public static SecretsManagerEndpoint? TryResolve(
        string region, Func<string, string?> environment, out string reason)
    {
        foreach (var variable in new[] { ServiceOverrideVariable, GlobalOverrideVariable })
        {
            var value = environment(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                && string.IsNullOrEmpty(uri.Query))
            {
                reason = "";
                return new SecretsManagerEndpoint(uri, uri.Authority);
            }

            reason = $"{variable} is not an http(s) URL without a query: {value}";
            return null;
        }

        if (!RegionPattern().IsMatch(region))
        {
            reason = $"region '{region}' is not a valid AWS region name";
            return null;
        }

        var host = $"secretsmanager.{region}.{RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix}";
        reason = "";
        return new SecretsManagerEndpoint(new Uri($"https://{host}/"), host);
    }
}
