namespace CachetMonitor.Domain

open System
open System.Collections.Generic
open System.Globalization
open System.Security.Cryptography
open System.Text

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) as pure functions: the signing instant is a parameter,
/// nothing reads a clock, a socket or the environment.
[<RequireQualifiedAccess>]
module SigV4 =

    /// What the signature covers of the request body.
    type Payload =
        /// The body itself; its SHA-256 is computed.
        | Body of byte[]
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
    let Algorithm = "AWS4-HMAC-SHA256"

    /// The service name Secrets Manager signs with.
    [<Literal>]
    let SecretsManagerService = "secretsmanager"

    /// The Content-Type of the Secrets Manager JSON 1.1 protocol.
    [<Literal>]
    let SecretsManagerContentType = "application/x-amz-json-1.1"

    /// The X-Amz-Target of GetSecretValue.
    [<Literal>]
    let GetSecretValueTarget = "secretsmanager.GetSecretValue"

    let private hex (bytes: byte[]) =
        Convert.ToHexString(bytes).ToLowerInvariant()

    let private utf8 (text: string) = Encoding.UTF8.GetBytes text

    let private hmac (key: byte[]) (text: string) = HMACSHA256.HashData(key, utf8 text)

    /// Lower-case hex SHA-256 of some bytes (the payload hash of a body).
    let sha256Hex (bytes: byte[]) = hex (SHA256.HashData bytes)

    /// The `X-Amz-Date` form of an instant: UTC `yyyyMMdd'T'HHmmss'Z'`.
    let amzDate (instant: DateTimeOffset) =
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)

    /// The scope date of an instant: UTC `yyyyMMdd`.
    let scopeDate (instant: DateTimeOffset) =
        instant.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)

    /// The credential scope `yyyyMMdd/region/service/aws4_request`.
    let credentialScope (instant: DateTimeOffset) (region: string) (service: string) =
        $"{scopeDate instant}/{region}/{service}/aws4_request"

    /// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else `%XX` of UTF-8.
    let uriEncode (text: string) =
        let builder = StringBuilder()

        for b in utf8 text do
            let c = char b

            if
                (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c = '-'
                || c = '_'
                || c = '.'
                || c = '~'
            then
                builder.Append c |> ignore
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture))
                |> ignore

        builder.ToString()

    let private collapseSpaces (value: string) =
        let builder = StringBuilder()
        let mutable previousSpace = false

        for c in value.Trim() do
            if c = ' ' then
                if not previousSpace then
                    builder.Append c |> ignore

                previousSpace <- true
            else
                builder.Append c |> ignore
                previousSpace <- false

        builder.ToString()

    /// The canonical headers as `(lower-case name, value)` pairs: values trimmed with inner space runs
    /// collapsed, repeated names joined with `,` in the order given, sorted by name (ordinal).
    let canonicalHeaders (headers: (string * string) list) =
        headers
        |> List.map (fun (name, value) -> name.Trim().ToLowerInvariant(), collapseSpaces value)
        |> List.fold
            (fun (acc: (string * string list) list) (name, value) ->
                match List.tryFindIndex (fun (n, _) -> n = name) acc with
                | Some index ->
                    acc
                    |> List.mapi (fun i (n, vs) -> if i = index then n, vs @ [ value ] else n, vs)
                | None -> acc @ [ name, [ value ] ])
            []
        |> List.map (fun (name, values) -> name, String.Join(",", values))
        |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))

    /// The `SignedHeaders` list: the canonical header names joined by `;`.
    let signedHeaders (headers: (string * string) list) =
        String.Join(";", canonicalHeaders headers |> List.map fst)

    let private canonicalQuery (query: (string * string) list) =
        query
        |> List.map (fun (name, value) -> uriEncode name, uriEncode value)
        |> List.sortWith (fun (n1, v1) (n2, v2) ->
            match String.CompareOrdinal(n1, n2) with
            | 0 -> String.CompareOrdinal(v1, v2)
            | c -> c)
        |> List.map (fun (name, value) -> $"{name}={value}")
        |> fun pairs -> String.Join("&", pairs)

    let private payloadHash payload =
        match payload with
        | Body bytes -> sha256Hex bytes
        | PayloadHash hash -> hash

    /// The canonical request (step 1): method, path, query, canonical headers, signed headers and payload
    /// hash, separated by newlines, with no final newline.
    let canonicalRequest (request: Request) =
        let path =
            if String.IsNullOrEmpty request.Path then
                "/"
            else
                request.Path

        let headerLines =
            canonicalHeaders request.Headers
            |> List.map (fun (name, value) -> $"{name}:{value}\n")
            |> String.Concat

        String.Join(
            "\n",
            [
                request.Method.ToUpperInvariant()
                path
                canonicalQuery request.Query
                headerLines
                signedHeaders request.Headers
                payloadHash request.Payload
            ]
        )

    /// The string to sign (step 2) for a canonical request made at `instant` for `region` and `service`.
    let stringToSign (instant: DateTimeOffset) (region: string) (service: string) (canonical: string) =
        String.Join(
            "\n",
            [
                Algorithm
                amzDate instant
                credentialScope instant region service
                sha256Hex (utf8 canonical)
            ]
        )

    /// The signing key (step 3): HMAC chain over the scope date, region, service and `aws4_request`.
    let signingKey (secretAccessKey: Secret) (instant: DateTimeOffset) (region: string) (service: string) =
        let kDate = hmac (utf8 ("AWS4" + Secret.reveal secretAccessKey)) (scopeDate instant)
        let kRegion = hmac kDate region
        let kService = hmac kRegion service
        hmac kService "aws4_request"

    /// The signature (step 4): lower-case hex HMAC of the string to sign under the signing key.
    let signature (key: byte[]) (toSign: string) = hex (hmac key toSign)

    /// The `Authorization` header value for a request whose headers already hold everything to sign.
    let authorizationHeader
        (credentials: Credentials)
        (region: string)
        (service: string)
        (instant: DateTimeOffset)
        (request: Request)
        =
        let toSign = canonicalRequest request |> stringToSign instant region service
        let key = signingKey credentials.SecretAccessKey instant region service
        let scope = credentialScope instant region service

        $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders request.Headers}, Signature={signature key toSign}"

    let private signGetSecretValueAt path credentials region host instant body =
        let signed =
            [
                "Content-Type", SecretsManagerContentType
                "Host", host
                "X-Amz-Date", amzDate instant
                "X-Amz-Target", GetSecretValueTarget
                match credentials.SessionToken with
                | Some token -> "X-Amz-Security-Token", Secret.reveal token
                | None -> ()
            ]

        let request =
            {
                Method = "POST"
                Path = path
                Query = []
                Headers = signed
                Payload = Body body
            }

        signed
        @ [
            "Authorization", authorizationHeader credentials region SecretsManagerService instant request
        ]

    /// The headers to send with a Secrets Manager GetSecretValue `POST /` to `host` (as sent: `host[:port]`):
    /// Content-Type, Host, X-Amz-Date, X-Amz-Target, X-Amz-Security-Token (temporary credentials only) and
    /// Authorization; all but Authorization are signed.
    let signGetSecretValue
        (credentials: Credentials)
        (region: string)
        (host: string)
        (instant: DateTimeOffset)
        (body: byte[])
        : (string * string) list =
        signGetSecretValueAt "/" credentials region host instant body

    /// C#-shaped GetSecretValue signing: plain arguments (`sessionToken` null or empty for long-term keys),
    /// the request path as sent (`/` unless an endpoint override has a path), the headers to send as an array.
    [<CompiledName("SignGetSecretValue")>]
    let signGetSecretValueForHost
        (
            accessKeyId: string,
            secretAccessKey: Secret,
            sessionToken: string | null,
            region: string,
            host: string,
            path: string,
            instant: DateTimeOffset,
            body: byte[]
        ) : KeyValuePair<string, string>[] =
        let credentials =
            {
                AccessKeyId = accessKeyId
                SecretAccessKey = secretAccessKey
                SessionToken =
                    match sessionToken with
                    | null
                    | "" -> None
                    | token -> Some(Secret.create token)
            }

        signGetSecretValueAt path credentials region host instant body
        |> List.map KeyValuePair
        |> List.toArray
