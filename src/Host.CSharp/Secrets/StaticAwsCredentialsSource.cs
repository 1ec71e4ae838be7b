namespace CachetMonitor.Host.Secrets;

/// <summary>Always the same credentials (explicit configuration, tests).</summary>
/// <param name="credentials">The credentials to hand out.</param>
public sealed class StaticAwsCredentialsSource(AwsCredentials credentials) : IAwsCredentialsSource
{
    /// <inheritdoc />
    public Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(credentials);
}
