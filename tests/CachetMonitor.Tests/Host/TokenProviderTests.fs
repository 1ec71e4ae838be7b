module CachetMonitor.Tests.Host.TokenProviderTests

open System
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.Domain
open CachetMonitor.Host.Secrets
open CachetMonitor.FakeServers

// Made-up credentials and values: the fake knows this key pair; nothing here is a real secret.
let private accessKey = "AKIDFAKESECRETSMANAGER"
let private secretKey = "fake/Secret+Key/abcdefghijKLMNOPqrst0123456789"
let private tokenValue = "cachet-token-9f8e7d6c5b4a3f2e"
let private region = "us-west-2"

/// An environment holding exactly these variables.
let private envOf (pairs: (string * string) list) =
    Func<string, string | null>(fun name ->
        match List.tryFind (fun (n, _) -> n = name) pairs with
        | Some(_, value) -> value
        | None -> null)

let private endpointEnv (fake: FakeSecretsManager) =
    [ SecretsManagerEndpoint.ServiceOverrideVariable, fake.Endpoint.ToString() ]

let private fixedClock (instant: DateTimeOffset) =
    { new TimeProvider() with
        override _.GetUtcNow() = instant
    }

let private staticCredentials secret =
    StaticAwsCredentialsSource(AwsCredentials(accessKey, Secret.create secret, null))

/// A resolver whose AWS client signs with `credentials` at `clock`'s time and gives up after `timeout`.
let private resolverWith (credentials: IAwsCredentialsSource) (clock: TimeProvider) (timeout: TimeSpan) =
    let http = new HttpClient()
    TokenResolver(AwsSecretsManagerClient(http, clock, credentials, Nullable timeout))

let private resolver () =
    resolverWith (staticCredentials secretKey) TimeProvider.System (TimeSpan.FromSeconds 10.0)

let private resolve (resolver: TokenResolver) env source : Task<TokenResolution> =
    resolver.ResolveAsync(source, env, CancellationToken.None)

let private aws name key =
    AwsSecretsManager(secretName = name, secretKey = key, region = region)

let private literal value = LiteralToken(Secret.create value)

let private tokenOf (resolution: TokenResolution) =
    match resolution.Token with
    | null -> failtest $"expected a token, got {resolution}"
    | token -> Secret.reveal token

/// Resolves `providers` against a fresh fake Secrets Manager (knowing `accessKey`/`secretKey`, and requiring
/// `sessionToken` when not null) prepared by `setup`, with the fake's endpoint and `extraEnv` in the environment;
/// returns the resolution and the requests the fake received, and stops the fake.
let private resolveAgainstFakeWith (sessionToken: string | null) setup makeResolver extraEnv providers =
    task {
        let! fake = FakeSecretsManager.StartAsync(accessKey, secretKey, sessionToken)

        try
            setup fake

            let! (resolution: TokenResolution) =
                resolve (makeResolver ()) (envOf (extraEnv @ endpointEnv fake)) (Providers providers)

            return resolution, List.ofSeq fake.Requests
        finally
            fake.DisposeAsync().AsTask().Wait()
    }

/// `resolveAgainstFakeWith` for long-term keys.
let private resolveAgainstFake setup makeResolver extraEnv providers =
    resolveAgainstFakeWith null setup makeResolver extraEnv providers

/// Stores the secret `cachethq` as `{"token": tokenValue}`.
let private storeToken (fake: FakeSecretsManager) =
    fake.PutSecretString("cachethq", $"{{\"token\":\"{tokenValue}\"}}")

/// Asserts nothing printable about a resolution shows the token or the AWS secret key.
let private expectNoSecrets (resolution: TokenResolution) (extra: string list) =
    let printed =
        [ resolution.ToString(); resolution.FailureSummary ]
        @ (resolution.Failures |> Seq.map string |> List.ofSeq)

    for text in printed do
        for secret in tokenValue :: secretKey :: extra do
            Expect.isFalse (text.Contains(secret: string)) $"'{text}' shows a secret"

let private plainForm =
    testList
        "plain-string form"
        [
            // CACHET_TOKEN's precedence over the string is the core's (ConfigLoading tests); the resolver takes the string.
            testTask "the string is the token" {
                let! (resolution: TokenResolution) =
                    resolve (resolver ()) (envOf []) (PlainToken(Secret.create tokenValue))

                Expect.equal (tokenOf resolution) tokenValue "token"
                Expect.equal resolution.ProviderType "TOKEN" "provider"
            }
            testTask "an empty string and no CACHET_TOKEN is a failure naming both" {
                let! (resolution: TokenResolution) =
                    resolve (resolver ()) (envOf []) (PlainToken(Secret.create ""))

                Expect.isFalse resolution.IsResolved "no token"

                Expect.equal resolution.FailureSummary "[1] TOKEN: empty (and CACHET_TOKEN is not set)" "summary"
            }
        ]

let private listForm =
    testList
        "list form"
        [
            testTask "the first non-empty provider wins" {
                let! (resolution: TokenResolution) =
                    resolve
                        (resolver ())
                        (envOf [ "FIRST", "first-value"; "SECOND", "second-value" ])
                        (Providers [ EnvironmentVariable "FIRST"; EnvironmentVariable "SECOND"; literal "third" ])

                Expect.equal (tokenOf resolution) "first-value" "token"
                Expect.isEmpty resolution.Failures "nothing failed before"
            }
            testTask "an unset or empty variable is skipped with its reason" {
                let! (resolution: TokenResolution) =
                    resolve
                        (resolver ())
                        (envOf [ "EMPTY", "" ])
                        (Providers [ EnvironmentVariable "UNSET"; EnvironmentVariable "EMPTY"; literal "literal" ])

                Expect.equal (tokenOf resolution) "literal" "token"

                Expect.equal
                    resolution.FailureSummary
                    "[1] ENVIRONMENT_VARIABLE: UNSET is not set; [2] ENVIRONMENT_VARIABLE: EMPTY is empty"
                    "reasons"
            }
            testTask "CACHET_TOKEN is not consulted unless listed" {
                let! (resolution: TokenResolution) =
                    resolve (resolver ()) (envOf [ "CACHET_TOKEN", "from-env" ]) (Providers [ literal "literal" ])

                Expect.equal (tokenOf resolution) "literal" "token"
            }
            testTask "an empty literal is skipped" {
                let! (resolution: TokenResolution) =
                    resolve (resolver ()) (envOf []) (Providers [ literal ""; literal "second" ])

                Expect.equal (tokenOf resolution) "second" "token"
                Expect.equal resolution.FailureSummary "[1] TOKEN: empty" "reason"
            }
            testTask "a variable before AWS wins without calling AWS" {
                let! (resolution: TokenResolution), (requests: FakeSecretsManagerRequest list) =
                    resolveAgainstFake
                        storeToken
                        resolver
                        [ "CACHET_X", "from-env" ]
                        [ EnvironmentVariable "CACHET_X"; aws "cachethq" "token"; literal "lit" ]

                Expect.equal (tokenOf resolution) "from-env" "token"
                Expect.isEmpty requests "AWS not called"
            }
            testTask "env first, then AWS, then TOKEN: AWS wins when the variable is unset" {
                let! (resolution: TokenResolution), (_: FakeSecretsManagerRequest list) =
                    resolveAgainstFake
                        storeToken
                        resolver
                        []
                        [ EnvironmentVariable "CACHET_X"; aws "cachethq" "token"; literal "lit" ]

                Expect.equal (tokenOf resolution) tokenValue "token"
                Expect.equal resolution.ProviderType "AWS_SECRETS_MANAGER" "provider"
                Expect.equal resolution.FailureSummary "[1] ENVIRONMENT_VARIABLE: CACHET_X is not set" "reason"
                expectNoSecrets resolution []
            }
        ]

let private awsSuccess =
    testList
        "AWS success"
        [
            testTask "GetSecretValue is one signed POST the fake accepts and the key's value is the token" {
                let! (resolution: TokenResolution), (requests: FakeSecretsManagerRequest list) =
                    resolveAgainstFake
                        (fun fake -> fake.PutSecretString("cachethq", $"{{\"other\":1,\"token\":\"{tokenValue}\"}}"))
                        resolver
                        []
                        [ aws "cachethq" "token" ]

                Expect.equal (tokenOf resolution) tokenValue "token"
                let request = Expect.wantSome (List.tryExactlyOne requests) "one request"
                Expect.isTrue request.SignatureValid "signature verified by the fake"
                Expect.equal request.Method "POST" "method"
                Expect.equal request.Path "/" "path"
                Expect.equal request.Region region "scope region"
                Expect.equal request.Body """{"SecretId":"cachethq"}""" "body"
                Expect.equal request.Headers["content-type"] "application/x-amz-json-1.1" "exact content type"
                Expect.equal request.Headers["x-amz-target"] "secretsmanager.GetSecretValue" "target"
                Expect.isMatch request.Headers["host"] @"^127\.0\.0\.1:\d+$" "host with its non-default port"
                Expect.stringContains request.Headers["authorization"] $"Credential={accessKey}/" "access key id"
                Expect.isFalse (request.Headers.ContainsKey "x-amz-security-token") "no session token"
            }
        ]

/// A failure case: the AWS provider fails with a reason containing `expected`, the chain moves on to TOKEN.
let private awsFailure name setup makeResolver secretName key (expected: string) (hidden: string list) =
    testTask name {
        let! (resolution: TokenResolution), (_: FakeSecretsManagerRequest list) =
            resolveAgainstFake setup makeResolver [] [ aws secretName key; literal "fallback" ]

        Expect.equal (tokenOf resolution) "fallback" "the chain moved on"

        let failure =
            Expect.wantSome (List.ofSeq resolution.Failures |> List.tryExactlyOne) "one failure"

        Expect.equal failure.Position 1 "position"
        Expect.equal failure.ProviderType "AWS_SECRETS_MANAGER" "type"
        Expect.stringContains failure.Reason expected "reason"
        Expect.stringContains failure.Reason $"secret '{secretName}' in {region}" "names the secret"
        expectNoSecrets resolution hidden
    }

let private notJson = "plain-text-secret-value-42"

let private awsFailures =
    testList
        "AWS failures move the chain on"
        [
            awsFailure "a missing secret" ignore resolver "absent" "token" "ResourceNotFoundException" []
            awsFailure
                "access denied, with a namespaced type sanitised"
                (fun fake ->
                    fake.FailWith(
                        "cachethq",
                        400,
                        "com.amazon#AccessDeniedException:http://internal",
                        "User is not authorized"
                    ))
                resolver
                "cachethq"
                "token"
                "AccessDeniedException: User is not authorized (HTTP 400)"
                [ "com.amazon#"; "http://internal" ]
            awsFailure
                "an error typed only by the X-Amzn-Errortype header"
                (fun fake -> fake.FailWith("cachethq", 500, "InternalServiceError", "try later", typeInHeader = true))
                resolver
                "cachethq"
                "token"
                "InternalServiceError: try later (HTTP 500)"
                []
            awsFailure
                "a secret without the key"
                (fun fake -> fake.PutSecretString("cachethq", $"{{\"other\":\"{tokenValue}\"}}"))
                resolver
                "cachethq"
                "token"
                "the secret has no key 'token'"
                []
            awsFailure
                "a key holding a number"
                (fun fake -> fake.PutSecretString("cachethq", """{"token":12345}"""))
                resolver
                "cachethq"
                "token"
                "holds a number, not a string"
                [ "12345" ]
            awsFailure
                "a secret string that is not JSON"
                (fun fake -> fake.PutSecretString("cachethq", notJson))
                resolver
                "cachethq"
                "token"
                "not JSON"
                [ notJson ]
            awsFailure
                "a JSON secret that is not an object"
                (fun fake -> fake.PutSecretString("cachethq", $"[\"{tokenValue}\"]"))
                resolver
                "cachethq"
                "token"
                "not an object"
                []
            awsFailure
                "a binary secret"
                (fun fake -> fake.PutSecretBinary("cachethq", Text.Encoding.UTF8.GetBytes tokenValue))
                resolver
                "cachethq"
                "token"
                "binary"
                []
            awsFailure
                "a signature made with the wrong secret key is rejected by the fake"
                storeToken
                (fun () ->
                    resolverWith (staticCredentials "wrong-secret-key") TimeProvider.System (TimeSpan.FromSeconds 10.0))
                "cachethq"
                "token"
                "InvalidSignatureException"
                [ "wrong-secret-key" ]
            awsFailure
                "a signature from a skewed clock is rejected as expired"
                storeToken
                (fun () ->
                    resolverWith
                        (staticCredentials secretKey)
                        (fixedClock (DateTimeOffset.UtcNow.AddMinutes -30.0))
                        (TimeSpan.FromSeconds 10.0))
                "cachethq"
                "token"
                "Signature expired"
                []
            testTask "an unreachable endpoint is a failure and the chain moves on" {
                // A port that was just free: nothing listens there any more.
                let listener = new TcpListener(IPAddress.Loopback, 0)
                listener.Start()
                let port = (listener.LocalEndpoint :?> IPEndPoint).Port
                listener.Stop()

                let! (resolution: TokenResolution) =
                    resolve
                        (resolver ())
                        (envOf [ SecretsManagerEndpoint.GlobalOverrideVariable, $"http://127.0.0.1:{port}" ])
                        (Providers [ aws "cachethq" "token"; literal "fallback" ])

                Expect.equal (tokenOf resolution) "fallback" "moved on"
                Expect.stringContains resolution.FailureSummary "cannot reach http://127.0.0.1:" "reason"
                expectNoSecrets resolution []
            }
            testTask "an endpoint that never answers times out and the chain moves on" {
                // Connections are queued by the OS but never answered.
                let listener = new TcpListener(IPAddress.Loopback, 0)
                listener.Start()

                try
                    let port = (listener.LocalEndpoint :?> IPEndPoint).Port

                    let! (resolution: TokenResolution) =
                        resolve
                            (resolverWith
                                (staticCredentials secretKey)
                                TimeProvider.System
                                (TimeSpan.FromMilliseconds 300.0))
                            (envOf [ SecretsManagerEndpoint.ServiceOverrideVariable, $"http://127.0.0.1:{port}" ])
                            (Providers [ aws "cachethq" "token"; literal "fallback" ])

                    Expect.equal (tokenOf resolution) "fallback" "moved on"
                    Expect.stringContains resolution.FailureSummary "no answer from" "reason"
                finally
                    listener.Stop()
            }
            testTask "every provider failing names each reason in order" {
                let! (resolution: TokenResolution), (_: FakeSecretsManagerRequest list) =
                    resolveAgainstFake
                        ignore
                        resolver
                        []
                        [ EnvironmentVariable "CACHET_X"; aws "missing" "token"; literal "" ]

                Expect.isFalse resolution.IsResolved "no token"
                Expect.isNull resolution.Token "no token value"

                Expect.equal
                    resolution.FailureSummary
                    "[1] ENVIRONMENT_VARIABLE: CACHET_X is not set; [2] AWS_SECRETS_MANAGER: secret 'missing' in us-west-2: ResourceNotFoundException: Secrets Manager can't find the specified secret. (HTTP 400); [3] TOKEN: empty"
                    "summary"

                Expect.equal (resolution.ToString()) $"no Cachet token: {resolution.FailureSummary}" "printed"
            }
        ]

let private endpoints =
    let resolveEndpoint region pairs =
        let mutable reason = ""
        let endpoint = SecretsManagerEndpoint.TryResolve(region, envOf pairs, &reason)

        match endpoint with
        | null -> Error reason
        | e -> Ok(string e.Uri, e.Host)

    testList
        "endpoint"
        [
            test "a commercial region uses amazonaws.com over https" {
                Expect.equal
                    (resolveEndpoint "us-west-2" [])
                    (Ok("https://secretsmanager.us-west-2.amazonaws.com/", "secretsmanager.us-west-2.amazonaws.com"))
                    ""
            }
            test "a China region uses amazonaws.com.cn" {
                Expect.equal
                    (resolveEndpoint "cn-north-1" [])
                    (Ok(
                        "https://secretsmanager.cn-north-1.amazonaws.com.cn/",
                        "secretsmanager.cn-north-1.amazonaws.com.cn"
                    ))
                    ""
            }
            test "the service override wins over the global one and its Host keeps a non-default port" {
                Expect.equal
                    (resolveEndpoint
                        "us-west-2"
                        [
                            "AWS_ENDPOINT_URL", "http://global:1"
                            "AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:4566"
                        ])
                    (Ok("http://127.0.0.1:4566/", "127.0.0.1:4566"))
                    ""
            }
            test "a default port is left out of the Host" {
                Expect.equal
                    (resolveEndpoint "us-west-2" [ "AWS_ENDPOINT_URL", "https://vpce.example:443" ])
                    (Ok("https://vpce.example/", "vpce.example"))
                    ""
            }
            test "a bad override or region is a reason, not an exception" {
                Expect.isError (resolveEndpoint "us-west-2" [ "AWS_ENDPOINT_URL", "not a url" ]) "bad override"
                Expect.isError (resolveEndpoint "US West 2" []) "bad region"
            }
        ]

let private errorTypes =
    testList
        "AWS error types"
        [
            test "a namespaced type with a URI suffix is cut to its name" {
                Expect.equal (AwsErrorResponse.SanitiseType "ns#FooError:http://x") "FooError" ""
                Expect.equal (AwsErrorResponse.SanitiseType "aws.protocoltests#FooError") "FooError" ""
                Expect.equal (AwsErrorResponse.SanitiseType "FooError:http://internal.amazon.com/") "FooError" ""
                Expect.equal (AwsErrorResponse.SanitiseType "FooError") "FooError" ""
            }
            test "the request body is the SecretId as JSON, escaped" {
                let body = AwsSecretsManagerClient.RequestBody "a\"b"
                Expect.equal (Text.Encoding.UTF8.GetString body) """{"SecretId":"a\u0022b"}""" ""
            }
        ]

/// Sets process environment variables for the duration of `body`, then restores the previous values.
let private withProcessEnv (pairs: (string * string | null) list) (body: unit -> Task<'T>) =
    task {
        let saved =
            pairs
            |> List.map (fun (name, _) -> name, Environment.GetEnvironmentVariable name)

        for name, value in pairs do
            Environment.SetEnvironmentVariable(name, value)

        try
            return! body ()
        finally
            for name, value in saved do
                Environment.SetEnvironmentVariable(name, value)
    }

/// Variables that keep the SDK chain away from files, profiles and instance metadata.
let private isolatedChain: (string * string | null) list =
    [
        "AWS_EC2_METADATA_DISABLED", "true"
        "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cachet-monitor-tests/credentials"
        "AWS_CONFIG_FILE", "/nonexistent/cachet-monitor-tests/config"
        "AWS_PROFILE", null
        "AWS_WEB_IDENTITY_TOKEN_FILE", null
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", null
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", null
    ]

let private sdkResolver () =
    resolverWith (SdkAwsCredentialsSource()) TimeProvider.System (TimeSpan.FromSeconds 10.0)

/// The SDK chain with these keys in the process environment (and nothing else it could find).
let private sdkKeys (accessKeyId: string | null) (secret: string | null) (sessionToken: string | null) =
    isolatedChain
    @ [
        "AWS_ACCESS_KEY_ID", accessKeyId
        "AWS_SECRET_ACCESS_KEY", secret
        "AWS_SESSION_TOKEN", sessionToken
    ]

let private sdkChain =
    testSequenced
    <| testList
        "SDK credential chain (process environment)"
        [
            testTask "keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY sign a request the fake accepts" {
                let! (resolution: TokenResolution), (requests: FakeSecretsManagerRequest list) =
                    withProcessEnv (sdkKeys accessKey secretKey null) (fun () ->
                        resolveAgainstFake storeToken sdkResolver [] [ aws "cachethq" "token" ])

                Expect.equal (tokenOf resolution) tokenValue "token"
                Expect.isTrue (List.exactlyOne requests).SignatureValid "signed"
            }
            testTask "a session token from AWS_SESSION_TOKEN is sent and signed" {
                let sessionToken = "FwoGZXIvYXdzEXAMPLEsessionTOKEN"

                let! (resolution: TokenResolution), (requests: FakeSecretsManagerRequest list) =
                    withProcessEnv (sdkKeys accessKey secretKey sessionToken) (fun () ->
                        resolveAgainstFakeWith sessionToken storeToken sdkResolver [] [ aws "cachethq" "token" ])

                Expect.equal (tokenOf resolution) tokenValue "token"
                let request = List.exactlyOne requests
                Expect.equal request.Headers["x-amz-security-token"] sessionToken "token sent"
                Expect.stringContains request.Headers["authorization"] "x-amz-security-token" "token signed"
                expectNoSecrets resolution [ sessionToken ]
            }
            testTask "no credentials anywhere is a failure and the chain moves on" {
                let! (resolution: TokenResolution), (requests: FakeSecretsManagerRequest list) =
                    withProcessEnv (sdkKeys null null null) (fun () ->
                        resolveAgainstFake storeToken sdkResolver [] [ aws "cachethq" "token"; literal "fallback" ])

                Expect.equal (tokenOf resolution) "fallback" "moved on"
                Expect.stringContains resolution.FailureSummary "no AWS credentials" "reason"
                Expect.isEmpty requests "nothing sent unsigned"
            }
        ]

/// Every token-provider test.
[<Tests>]
let tests =
    testList
        "TokenProvider"
        [
            plainForm
            listForm
            awsSuccess
            awsFailures
            endpoints
            errorTypes
            sdkChain
        ]
