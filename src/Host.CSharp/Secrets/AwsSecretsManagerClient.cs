using System.Net.Http.Headers;
using System.Text.Json;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Secrets;

/// <summary>
/// Secrets Manager's GetSecretValue as one SigV4-signed POST (the service SDK is not available), signed by the
/// pure <see cref="SigV4"/> at the instant <paramref name="time"/> gives.
/// </summary>
/// <param name="http">The client the POST goes through.</param>
/// <param name="time">The clock for the signing instant and the time-out.</param>
/// <param name="credentials">Where credentials come from (<see cref="SdkAwsCredentialsSource"/> in production).</param>
/// <param name="timeout">Limit for finding credentials plus the call; 10 seconds when null.</param>
public sealed class AwsSecretsManagerClient(
    HttpClient http, TimeProvider time, IAwsCredentialsSource credentials, TimeSpan? timeout = null)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new(SigV4.SecretsManagerContentType);

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fetches the current value of <paramref name="secretId"/> (name or ARN) in <paramref name="region"/>.
    /// Endpoint overrides are read through <paramref name="environment"/>; credentials from the source.
    /// Every expected failure (no credentials, network, time-out, AWS error, odd response) is a
    /// <see cref="SecretValueOutcome.Failure"/>; only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<SecretValueOutcome> GetSecretValueAsync(
        string secretId, string region, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var endpoint = SecretsManagerEndpoint.TryResolve(region, environment, out var endpointProblem);
        if (endpoint is null)
        {
            return new SecretValueOutcome.Failure(endpointProblem);
        }

        using var limit = new CancellationTokenSource(_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);

        AwsCredentials keys;
        try
        {
            keys = await credentials.GetCredentialsAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SecretValueOutcome.Failure($"no AWS credentials found within {_timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new SecretValueOutcome.Failure($"no AWS credentials: {OneLine(ex.Message)}");
        }

        try
        {
            using var request = BuildRequest(secretId, region, endpoint, keys);
            using var response = await http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? ReadSecret(body)
                : new SecretValueOutcome.Failure(AwsErrorResponse.Describe(response.StatusCode, response.Headers, body));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SecretValueOutcome.Failure(
                $"no answer from {endpoint.Uri} within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new SecretValueOutcome.Failure($"cannot reach {endpoint.Uri}: {OneLine(ex.Message)}");
        }
    }

    private HttpRequestMessage BuildRequest(
        string secretId, string region, SecretsManagerEndpoint endpoint, AwsCredentials keys)
    {
        var body = RequestBody(secretId);
        var headers = SigV4.SignGetSecretValue(
            keys.AccessKeyId,
            keys.SecretAccessKey,
            keys.SessionToken is { } token ? SecretModule.reveal(token) : null,
            region,
            endpoint.Host,
            endpoint.Uri.AbsolutePath,
            time.GetUtcNow(),
            body);

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Uri) { Content = content };
        foreach (var (name, value) in headers)
        {
            switch (name)
            {
                case "Content-Type":
                    break; // set on the content above, byte for byte what was signed
                case "Host":
                    request.Headers.Host = value;
                    break;
                default:
                    request.Headers.TryAddWithoutValidation(name, value);
                    break;
            }
        }

        return request;
    }

    /// <summary>The JSON body <c>{"SecretId":"…"}</c>, written without reflection (safe when trimmed).</summary>
    internal static byte[] RequestBody(string secretId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("SecretId", secretId);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static SecretValueOutcome ReadSecret(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("SecretString", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    return new SecretValueOutcome.Text(SecretModule.create(text.GetString() ?? ""));
                }

                if (root.TryGetProperty("SecretBinary", out var binary) && binary.ValueKind == JsonValueKind.String)
                {
                    return new SecretValueOutcome.Binary();
                }
            }

            return new SecretValueOutcome.Failure("the response holds neither SecretString nor SecretBinary");
        }
        catch (JsonException)
        {
            return new SecretValueOutcome.Failure("the response is not JSON");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
