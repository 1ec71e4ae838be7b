namespace CachetMonitor.Host.Secrets;

/// <summary>Why one token provider gave no token.</summary>
/// <param name="Position">1-based position of the provider in the chain.</param>
/// <param name="ProviderType">The config type: <c>ENVIRONMENT_VARIABLE</c>, <c>AWS_SECRETS_MANAGER</c> or <c>TOKEN</c>.</param>
/// <param name="Reason">Why, never containing a secret value.</param>
public sealed record ProviderFailure(int Position, string ProviderType, string Reason)
{
    /// <summary><c>[2] AWS_SECRETS_MANAGER: AccessDeniedException: … (HTTP 400)</c>.</summary>
    public override string ToString() => $"[{Position}] {ProviderType}: {Reason}";
}
