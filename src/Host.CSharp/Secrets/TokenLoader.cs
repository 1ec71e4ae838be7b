using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>The outcome of obtaining the Cachet token: the token, or why none could be had.</summary>
public sealed record LoadedToken(string? Token, string? Failure, IReadOnlyList<ProviderFailure> Skipped);

/// <summary>Obtains the Cachet token from a config's token source with the real providers (env, literal, AWS).</summary>
public static class TokenLoader
{
    public static async Task<LoadedToken> LoadAsync(TokenSource source, Func<string, string?> environment, CancellationToken ct)
    {
        using var http = Hosting.UserAgent.Client(TimeSpan.FromSeconds(15));
        var secretsManager = new AwsSecretsManagerClient(http, TimeProvider.System, new SdkAwsCredentialsSource());
        var resolution = await new TokenResolver(secretsManager).ResolveAsync(source, environment, ct).ConfigureAwait(false);
        return resolution.IsResolved
            ? new LoadedToken(SecretModule.reveal(resolution.Token), null, resolution.Failures)
            : new LoadedToken(null, resolution.FailureSummary, resolution.Failures);
    }
}
