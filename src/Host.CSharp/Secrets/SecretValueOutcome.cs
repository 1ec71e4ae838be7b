using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>What a GetSecretValue call gave: a secret string, a binary secret, or a failure reason.</summary>
public abstract record SecretValueOutcome
{
    private SecretValueOutcome()
    {
    }

    /// <summary>The secret holds a string (masked when printed).</summary>
    /// <param name="Value">The <c>SecretString</c>.</param>
    public sealed record Text(Secret Value) : SecretValueOutcome;

    /// <summary>The secret holds binary data (<c>SecretBinary</c>); its bytes are not kept.</summary>
    public sealed record Binary : SecretValueOutcome;

    /// <summary>The call failed.</summary>
    /// <param name="Reason">Why, e.g. <c>AccessDeniedException: … (HTTP 400)</c>; never a secret value.</param>
    public sealed record Failure(string Reason) : SecretValueOutcome;
}
