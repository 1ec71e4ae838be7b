using Amazon.Runtime.Credentials;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// The AWS SDK's default credential chain (AWSSDK.Core): environment keys, web identity, shared profile,
/// container endpoint, EC2 instance metadata. It reads the real process environment and files.
/// </summary>
public sealed class SdkAwsCredentialsSource : IAwsCredentialsSource
{
    /// <inheritdoc />
    public async Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        using var resolver = new DefaultAWSCredentialsIdentityResolver();
        var identity = await resolver.ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);
        var immutable = await identity.GetCredentialsAsync().ConfigureAwait(false);
        return new AwsCredentials(
            immutable.AccessKey,
            SecretModule.create(immutable.SecretKey),
            immutable.UseToken ? SecretModule.create(immutable.Token) : null);
    }
}
