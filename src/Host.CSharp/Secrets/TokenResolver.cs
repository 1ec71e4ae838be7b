using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// Finds the Cachet token. Plain-string form: the string (the core has already put a non-empty <c>CACHET_TOKEN</c>
/// in its place, see <c>ConfigLoading</c>). List form: providers in order, the first non-empty value wins;
/// <c>CACHET_TOKEN</c> is not consulted unless listed. A provider that fails is recorded with its reason and the
/// chain moves on.
/// </summary>
/// <param name="secretsManager">The client behind <c>AWS_SECRETS_MANAGER</c> providers.</param>
public sealed class TokenResolver(AwsSecretsManagerClient secretsManager)
{
    /// <summary>
    /// Resolves <paramref name="source"/>. Environment variables (and the AWS endpoint overrides) are read through
    /// <paramref name="environment"/> (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>); AWS
    /// credentials come from the client's credential source. Only cancellation throws.
    /// </summary>
    public async Task<TokenResolution> ResolveAsync(
        TokenSource source, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var providers = source switch
        {
            TokenSource.PlainToken plain => [TokenProvider.NewLiteralToken(plain.Item)],
            TokenSource.Providers list => list.Item.ToList(),
            _ => new List<TokenProvider>(),
        };

        var failures = new List<ProviderFailure>();
        for (var index = 0; index < providers.Count; index++)
        {
            var provider = providers[index];
            var (token, reason) = await TryProviderAsync(provider, environment, cancellationToken)
                .ConfigureAwait(false);
            var typeName = TokenProviderModule.typeName(provider);
            if (token is not null)
            {
                return TokenResolution.Resolved(token, typeName, failures);
            }

            // An empty plain-string token: CACHET_TOKEN could have given one (the core would have put it in place).
            failures.Add(new ProviderFailure(index + 1, typeName, source.IsPlainToken ? $"{reason} (and CACHET_TOKEN is not set)" : reason));
        }

        if (failures.Count == 0)
        {
            failures.Add(new ProviderFailure(0, "cachet.token", "no token provider is configured"));
        }

        return TokenResolution.Failed(failures);
    }

    private async Task<(Secret? Token, string Reason)> TryProviderAsync(
        TokenProvider provider, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        switch (provider)
        {
            case TokenProvider.EnvironmentVariable variable:
                var value = environment(variable.name);
                return value switch
                {
                    null => (null, $"{variable.name} is not set"),
                    "" => (null, $"{variable.name} is empty"),
                    _ => (SecretModule.create(value), ""),
                };
            case TokenProvider.LiteralToken literal:
                return SecretModule.reveal(literal.Item).Length == 0 ? (null, "empty") : (literal.Item, "");
            case TokenProvider.AwsSecretsManager aws:
                var outcome = await secretsManager
                    .GetSecretValueAsync(aws.secretName, aws.region, environment, cancellationToken)
                    .ConfigureAwait(false);
                var where = $"secret '{aws.secretName}' in {aws.region}";
                return outcome switch
                {
                    SecretValueOutcome.Text text =>
                        SecretStringKey.TryRead(text.Value, aws.secretKey, out var problem) is { } token
                            ? (token, "")
                            : (null, $"{where}: {problem}"),
                    SecretValueOutcome.Binary => (null, $"{where}: the secret is binary, not a JSON string"),
                    SecretValueOutcome.Failure failure => (null, $"{where}: {failure.Reason}"),
                    _ => (null, $"{where}: unexpected outcome"),
                };
            default:
                return (null, "unknown provider type");
        }
    }
}
