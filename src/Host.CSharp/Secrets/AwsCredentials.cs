using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// AWS credentials used to sign one request. The secret access key and session token are <see cref="Secret"/>s,
/// so printing the record shows <c>***</c> in their place.
/// </summary>
/// <param name="AccessKeyId">The access key id; not secret (it is sent in the Authorization header).</param>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="SessionToken">The session token of temporary credentials, or null for long-term keys.</param>
public sealed record AwsCredentials(string AccessKeyId, Secret SecretAccessKey, Secret? SessionToken);
