namespace CachetMonitor.Host.Secrets;

/// <summary>Where AWS credentials come from (the SDK's default chain in production, fixed keys in tests).</summary>
public interface IAwsCredentialsSource
{
    /// <summary>
    /// Finds credentials. Throws (any exception but <see cref="OperationCanceledException"/> for
    /// <paramref name="cancellationToken"/>) when none can be found; the message becomes a provider failure reason.
    /// </summary>
    Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
