using System.Diagnostics.CodeAnalysis;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// The outcome of resolving the Cachet token: the token (a <see cref="Secret"/>, masked when printed) and the
/// provider that gave it, or no token; in both cases the failures of the providers tried before, in order.
/// </summary>
public sealed class TokenResolution
{
    private TokenResolution(Secret? token, string? providerType, IReadOnlyList<ProviderFailure> failures)
    {
        Token = token;
        ProviderType = providerType;
        Failures = failures;
    }

    /// <summary>The token, or null when no provider gave one. Reveal it only where it is sent.</summary>
    public Secret? Token { get; }

    /// <summary>The type of the provider that gave the token, or null.</summary>
    public string? ProviderType { get; }

    /// <summary>True when a token was found.</summary>
    [MemberNotNullWhen(true, nameof(Token), nameof(ProviderType))]
    public bool IsResolved => Token is not null;

    /// <summary>Each provider tried without success, in chain order (some may precede a success).</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }

    /// <summary>The failures in one line: <c>[1] ENVIRONMENT_VARIABLE: …; [2] AWS_SECRETS_MANAGER: …</c>.</summary>
    public string FailureSummary => string.Join("; ", Failures);

    /// <summary>A token found by <paramref name="providerType"/> after <paramref name="failures"/>.</summary>
    public static TokenResolution Resolved(Secret token, string providerType, IReadOnlyList<ProviderFailure> failures) =>
        new(token, providerType, failures);

    /// <summary>No provider gave a token.</summary>
    public static TokenResolution Failed(IReadOnlyList<ProviderFailure> failures) => new(null, null, failures);

    /// <summary>Never shows the token.</summary>
    public override string ToString() =>
        IsResolved
            ? $"token *** from {ProviderType}" + (Failures.Count > 0 ? $" after {FailureSummary}" : "")
            : $"no Cachet token: {FailureSummary}";
}
