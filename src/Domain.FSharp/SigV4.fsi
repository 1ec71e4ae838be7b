namespace CachetMonitor.Domain

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) as pure functions: the signing instant is a parameter,
/// nothing reads a clock, a socket or the environment.
[<RequireQualifiedAccess>]
module SigV4 =

    /// What the signature covers of the request body.
    type Payload =

        /// The body itself; its SHA-256 is computed.
        | Body of byte array

        /// The lower-case hex SHA-256 of the body, already computed (or a marker such as `UNSIGNED-PAYLOAD`).
        | PayloadHash of string

    /// The parts of an HTTP request that SigV4 signs.
    type Request =
        {
            /// The HTTP method, e.g. `POST`.
            Method: string

            /// The URI path, already percent-encoded as sent; empty means `/`.
            Path: string

            /// Query parameters, not encoded (they are encoded while canonicalising).
            Query: (string * string) list

            /// Every header to sign, in any order and any name case (include `Host` and `X-Amz-Date`).
            Headers: (string * string) list

            /// The body or its hash.
            Payload: Payload
        }

    /// AWS credentials; the secret parts are masked wherever they are printed.
    type Credentials =
        {
            /// The access key id (`AKIA…`/`ASIA…`): not secret, it appears in the Authorization header.
            AccessKeyId: string

            /// The secret access key; only its HMAC leaves this module.
            SecretAccessKey: Secret

            /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
            SessionToken: Secret option
        }

    /// The signing algorithm name.
    [<Literal>]
    val Algorithm: string = "AWS4-HMAC-SHA256"

    /// The service name Secrets Manager signs with.
    [<Literal>]
    val SecretsManagerService: string = "secretsmanager"

    /// The Content-Type of the Secrets Manager JSON 1.1 protocol.
    [<Literal>]
    val SecretsManagerContentType: string = "application/x-amz-json-1.1"

    /// The X-Amz-Target of GetSecretValue.
    [<Literal>]
    val GetSecretValueTarget: string = "secretsmanager.GetSecretValue"

    /// Lower-case hex SHA-256 of some bytes (the payload hash of a body).
    val sha256Hex: bytes: byte array -> string

    /// The `X-Amz-Date` form of an instant: UTC `yyyyMMdd'T'HHmmss'Z'`.
    val amzDate: instant: System.DateTimeOffset -> string

    /// The scope date of an instant: UTC `yyyyMMdd`.
    val scopeDate: instant: System.DateTimeOffset -> string

    /// The credential scope `yyyyMMdd/region/service/aws4_request`.
    val credentialScope: instant: System.DateTimeOffset -> region: string -> service: string -> string

    /// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else `%XX` of UTF-8.
    val uriEncode: text: string -> string

    /// The canonical headers as `(lower-case name, value)` pairs: values trimmed with inner space runs
    /// collapsed, repeated names joined with `,` in the order given, sorted by name (ordinal).
    val canonicalHeaders: headers: (string * string) list -> (string * string) list

    /// The `SignedHeaders` list: the canonical header names joined by `;`.
    val signedHeaders: headers: (string * string) list -> string

    /// The canonical request (step 1): method, path, query, canonical headers, signed headers and payload
    /// hash, separated by newlines, with no final newline.
    val canonicalRequest: request: Request -> string

    /// The string to sign (step 2) for a canonical request made at `instant` for `region` and `service`.
    val stringToSign: instant: System.DateTimeOffset -> region: string -> service: string -> canonical: string -> string

    /// The signing key (step 3): HMAC chain over the scope date, region, service and `aws4_request`.
    val signingKey:
        secretAccessKey: Secret -> instant: System.DateTimeOffset -> region: string -> service: string -> byte array

    /// The signature (step 4): lower-case hex HMAC of the string to sign under the signing key.
    val signature: key: byte array -> toSign: string -> string

    /// The `Authorization` header value for a request whose headers already hold everything to sign.
    val authorizationHeader:
        credentials: Credentials ->
        region: string ->
        service: string ->
        instant: System.DateTimeOffset ->
        request: Request ->
            string

    /// The headers to send with a Secrets Manager GetSecretValue `POST /` to `host` (as sent: `host[:port]`):
    /// Content-Type, Host, X-Amz-Date, X-Amz-Target, X-Amz-Security-Token (temporary credentials only) and
    /// Authorization; all but Authorization are signed.
    val signGetSecretValue:
        credentials: Credentials ->
        region: string ->
        host: string ->
        instant: System.DateTimeOffset ->
        body: byte array ->
            (string * string) list

    /// C#-shaped GetSecretValue signing: plain arguments (`sessionToken` null or empty for long-term keys),
    /// the request path as sent (`/` unless an endpoint override has a path), the headers to send as an array.
    [<CompiledName("SignGetSecretValue")>]
    val signGetSecretValueForHost:
        accessKeyId: string *
        secretAccessKey: Secret *
        sessionToken: (string | null) *
        region: string *
        host: string *
        path: string *
        instant: System.DateTimeOffset *
        body: byte array ->
            System.Collections.Generic.KeyValuePair<string, string> array
