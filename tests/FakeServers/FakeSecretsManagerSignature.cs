using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CachetMonitor.FakeServers;

/// <summary>
/// An independent SigV4 check for the fake Secrets Manager: recomputes the signature of a received request
/// from its own headers and body (a cross-check of the production signer, which lives in F#).
/// </summary>
internal static class FakeSecretsManagerSignature
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>What was wrong with a request's signature: an AWS error type and message.</summary>
    internal sealed record Rejection(string ErrorType, string Message);

    /// <summary>The scope a valid signature was made for.</summary>
    internal sealed record Scope(string AccessKeyId, string Region, string Service);

    /// <summary>
    /// Checks <paramref name="request"/>'s Authorization header against the known key pair. Returns the scope
    /// and no rejection when valid.
    /// </summary>
    internal static (Scope? Scope, Rejection? Rejection) Verify(
        HttpRequest request, byte[] body, string accessKeyId, string secretAccessKey, string? sessionToken,
        DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return (null, new("MissingAuthenticationTokenException", "Request is missing Authentication Token"));
        }

        var fields = authorization[(Algorithm.Length + 1)..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential)
            || !fields.TryGetValue("SignedHeaders", out var signedHeaderList)
            || !fields.TryGetValue("Signature", out var signature))
        {
            return (null, new("IncompleteSignatureException", "Authorization header is incomplete"));
        }

        var scopeParts = credential.Split('/');
        if (scopeParts.Length != 5 || scopeParts[4] != "aws4_request")
        {
            return (null, new("IncompleteSignatureException", "Credential scope is malformed"));
        }

        if (scopeParts[0] != accessKeyId)
        {
            return (null, new("UnrecognizedClientException", "The security token included in the request is invalid."));
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var signedAt)
            || amzDate[..8] != scopeParts[1])
        {
            return (null, new("IncompleteSignatureException", "X-Amz-Date is missing or does not match the scope"));
        }

        if ((now - signedAt).Duration() > TimeSpan.FromMinutes(5))
        {
            return (null, new("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier or later than allowed"));
        }

        var signedNames = signedHeaderList.Split(';');
        if (!signedNames.Contains("host") || !signedNames.Contains("x-amz-date"))
        {
            return (null, new("IncompleteSignatureException", "host and x-amz-date must be signed"));
        }

        var sentToken = request.Headers["X-Amz-Security-Token"].ToString();
        if (sessionToken is not null && (sentToken != sessionToken || !signedNames.Contains("x-amz-security-token")))
        {
            return (null, new("UnrecognizedClientException", "The security token included in the request is invalid."));
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(request.PathBase + request.Path is { HasValue: true } path ? path.ToUriComponent() : "/").Append('\n')
            .Append(request.QueryString.HasValue ? request.QueryString.Value![1..] : "").Append('\n');
        foreach (var name in signedNames)
        {
            var value = string.Join(",", request.Headers[name].Select(v => Collapse(v ?? "")));
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaderList).Append('\n').Append(Hex(SHA256.HashData(body)));

        var stringToSign = string.Join(
            "\n",
            Algorithm,
            amzDate,
            string.Join('/', scopeParts[1..]),
            Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))));
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var step in scopeParts[1..])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(step));
        }

        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            return (null, new(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided."));
        }

        return (new Scope(accessKeyId, scopeParts[2], scopeParts[3]), null);
    }

    private static string Collapse(string value) =>
        string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
