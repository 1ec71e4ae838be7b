using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CachetMonitor.FakeServers;

/// <summary>One request the fake Secrets Manager received, with what it answered.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path.</param>
/// <param name="Headers">Request headers (names lower-case, repeated values joined with <c>,</c>).</param>
/// <param name="Body">Request body as text.</param>
/// <param name="Region">The region of the signature's scope, when it was valid.</param>
/// <param name="SignatureValid">Whether the SigV4 signature checked out.</param>
/// <param name="Status">The status code answered.</param>
/// <param name="ErrorType">The error type answered, or null on success.</param>
public sealed record FakeSecretsManagerRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? Region,
    bool SignatureValid,
    int Status,
    string? ErrorType);

/// <summary>
/// A fake AWS Secrets Manager on 127.0.0.1 (random port) speaking the JSON 1.1 protocol for GetSecretValue. Every
/// request's SigV4 signature is verified against one known key pair; secrets are held in memory.
/// </summary>
public sealed class FakeSecretsManager : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";

    private readonly WebApplication _app;
    private readonly string _accessKeyId;
    private readonly string _secretAccessKey;
    private readonly string? _sessionToken;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Func<string, IResult>> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeSecretsManagerRequest> _requests = new();

    private FakeSecretsManager(
        WebApplication app, string accessKeyId, string secretAccessKey, string? sessionToken, TimeProvider clock)
    {
        _app = app;
        _accessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _sessionToken = sessionToken;
        _clock = clock;
    }

    /// <summary>The base URL to use as <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c> (<c>http://127.0.0.1:port</c>).</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<FakeSecretsManagerRequest> Requests => _requests.ToArray();

    /// <summary>
    /// Starts the fake. Requests must be signed with <paramref name="accessKeyId"/>/<paramref name="secretAccessKey"/>
    /// (and carry <paramref name="sessionToken"/> when given), within 5 minutes of <paramref name="clock"/>.
    /// </summary>
    public static async Task<FakeSecretsManager> StartAsync(
        string accessKeyId, string secretAccessKey, string? sessionToken = null, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeSecretsManager(app, accessKeyId, secretAccessKey, sessionToken, clock ?? TimeProvider.System);
        app.Run(fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        fake.Endpoint = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>Stores a secret whose value is a string.</summary>
    public void PutSecretString(string name, string value) =>
        _secrets[name] = region => Found(region, name, "SecretString", value);

    /// <summary>Stores a secret whose value is binary.</summary>
    public void PutSecretBinary(string name, byte[] value) =>
        _secrets[name] = region => Found(region, name, "SecretBinary", Convert.ToBase64String(value));

    /// <summary>
    /// Makes GetSecretValue of <paramref name="name"/> fail with <paramref name="status"/> and the error type as
    /// given (e.g. <c>ns#AccessDeniedException:http://x</c>), in the body's <c>__type</c> or, with
    /// <paramref name="typeInHeader"/>, only in the <c>X-Amzn-Errortype</c> header.
    /// </summary>
    public void FailWith(string name, int status, string errorType, string message, bool typeInHeader = false) =>
        _secrets[name] = _ => Error(status, errorType, message, typeInHeader);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();

        var (scope, rejection) = FakeSecretsManagerSignature.Verify(
            context.Request, body, _accessKeyId, _secretAccessKey, _sessionToken, _clock.GetUtcNow());
        var result = rejection is not null
            ? Error(400, rejection.ErrorType, rejection.Message, false)
            : Answer(context.Request, scope!, body);

        var (status, errorType) = result is ErrorResult error ? (error.Status, error.Type) : (200, null);
        _requests.Enqueue(new FakeSecretsManagerRequest(
            context.Request.Method,
            context.Request.Path.ToString(),
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            Encoding.UTF8.GetString(body),
            scope?.Region,
            rejection is null,
            status,
            errorType));
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private IResult Answer(HttpRequest request, FakeSecretsManagerSignature.Scope scope, byte[] body)
    {
        if (scope.Service != "secretsmanager")
        {
            return Error(400, "InvalidSignatureException", "Credential should be scoped to correct service: 'secretsmanager'.", false);
        }

        if (request.Headers["X-Amz-Target"].ToString() != "secretsmanager.GetSecretValue")
        {
            return Error(400, "UnknownOperationException", "", false);
        }

        if (request.ContentType != JsonContentType)
        {
            return Error(400, "SerializationException", $"unexpected Content-Type {request.ContentType}", false);
        }

        string? secretId = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("SecretId", out var id)
                && id.ValueKind == JsonValueKind.String)
            {
                secretId = id.GetString();
            }
        }
        catch (JsonException)
        {
            return Error(400, "SerializationException", "Start of structure or map found where not expected.", false);
        }

        if (string.IsNullOrEmpty(secretId))
        {
            return Error(400, "InvalidParameterException", "SecretId is required.", false);
        }

        return _secrets.TryGetValue(secretId, out var answer)
            ? answer(scope.Region)
            : Error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", false);
    }

    private static IResult Found(string region, string name, string field, string value)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ARN"] = $"arn:aws:secretsmanager:{region}:123456789012:secret:{name}-a1b2c3",
            ["Name"] = name,
            ["VersionId"] = "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE",
            [field] = value,
            ["VersionStages"] = new[] { "AWSCURRENT" },
            ["CreatedDate"] = 1523477145.713,
        });
        return Results.Text(json, JsonContentType, Encoding.UTF8, 200);
    }

    private static ErrorResult Error(int status, string type, string message, bool typeInHeader) =>
        new(status, type, message, typeInHeader);

    private sealed record ErrorResult(int Status, string Type, string Message, bool TypeInHeader) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = Status;
            httpContext.Response.ContentType = JsonContentType;
            var fields = new Dictionary<string, string> { ["message"] = Message };
            if (TypeInHeader)
            {
                httpContext.Response.Headers["X-Amzn-Errortype"] = Type;
            }
            else
            {
                fields["__type"] = Type;
            }

            return httpContext.Response.WriteAsync(JsonSerializer.Serialize(fields), httpContext.RequestAborted);
        }
    }
}
