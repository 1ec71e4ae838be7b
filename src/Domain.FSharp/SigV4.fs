namespace CachetMonitor.Domain

open System
open System.Collections.Generic
open System.Globalization
open System.Security.Cryptography
open System.Text

[<RequireQualifiedAccess>]
module SigV4 =

    type Payload =
        | Body of byte[]
        | PayloadHash of string

    type Request =
        {
            Method: string
            Path: string
            Query: (string * string) list
            Headers: (string * string) list
            Payload: Payload
        }

    type Credentials =
        {
            AccessKeyId: string
            SecretAccessKey: Secret
            SessionToken: Secret option
        }

    [<Literal>]
    let Algorithm = "AWS4-HMAC-SHA256"

    [<Literal>]
    let SecretsManagerService = "secretsmanager"

    [<Literal>]
    let SecretsManagerContentType = "application/x-amz-json-1.1"

    [<Literal>]
    let GetSecretValueTarget = "secretsmanager.GetSecretValue"

    let private hex (bytes: byte[]) =
        Convert.ToHexString(bytes).ToLowerInvariant()

    let private utf8 (text: string) = Encoding.UTF8.GetBytes text

    let private hmac (key: byte[]) (text: string) = HMACSHA256.HashData(key, utf8 text)

    let sha256Hex (bytes: byte[]) = hex (SHA256.HashData bytes)

    let amzDate (instant: DateTimeOffset) =
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)

    let scopeDate (instant: DateTimeOffset) =
        instant.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)

    let credentialScope (instant: DateTimeOffset) (region: string) (service: string) =
        $"{scopeDate instant}/{region}/{service}/aws4_request"

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

    let signingKey (secretAccessKey: Secret) (instant: DateTimeOffset) (region: string) (service: string) =
        let kDate = hmac (utf8 ("AWS4" + Secret.reveal secretAccessKey)) (scopeDate instant)
        let kRegion = hmac kDate region
        let kService = hmac kRegion service
        hmac kService "aws4_request"

    let signature (key: byte[]) (toSign: string) = hex (hmac key toSign)

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

    let signGetSecretValue
        (credentials: Credentials)
        (region: string)
        (host: string)
        (instant: DateTimeOffset)
        (body: byte[])
        : (string * string) list =
        signGetSecretValueAt "/" credentials region host instant body

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
