using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>The outcome of obtaining the Cachet token: the token, or why none could be had.</summary>
public sealed record LoadedToken(string? Token, string? Failure, IReadOnlyList<ProviderFailure> Skipped);

/// <summary>Obtains the Cachet token from a config's token source with the real providers (env, literal, AWS).</summary>
public static class TokenLoader
{
    /// <param name="source">The config's <c>cachet.token</c>.</param>
    /// <param name="environment">Reads environment variables.</param>
    /// <param name="httpClients">Gives the token providers' client (<see cref="Hosting.MonitorHttpClients.Secrets"/>).</param>
    /// <param name="ct">Cancels the providers' calls.</param>
    public static async Task<LoadedToken> LoadAsync(
        TokenSource source, Func<string, string?> environment, IHttpClientFactory httpClients, CancellationToken ct)
    {
        var http = httpClients.CreateClient(Hosting.MonitorHttpClients.Secrets);
        var secretsManager = new AwsSecretsManagerClient(http, TimeProvider.System, new SdkAwsCredentialsSource());
        var resolution = await new TokenResolver(secretsManager).ResolveAsync(source, environment, ct).ConfigureAwait(false);
        return resolution.IsResolved
            ? new LoadedToken(SecretModule.reveal(resolution.Token), null, resolution.Failures)
            : new LoadedToken(null, resolution.FailureSummary, resolution.Failures);
    }
}
