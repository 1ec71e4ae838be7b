module CachetMonitor.Tests.Domain.SigV4Tests

open System
open System.Text
open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain

// The official vectors (aws-c-auth signing suite) and the derived GetSecretValue vector, from the AWS reference.
let private instant = DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)

let private credentials =
    {
        SigV4.Credentials.AccessKeyId = "AKIDEXAMPLE"
        SigV4.Credentials.SecretAccessKey = Secret.create "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        SigV4.Credentials.SessionToken = None
    }

let private lines (parts: string list) = String.Join("\n", parts)

let private emptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/// A request to `/` without query parameters.
let private rootRequest method headers body =
    {
        SigV4.Request.Method = method
        SigV4.Request.Path = "/"
        SigV4.Request.Query = []
        SigV4.Request.Headers = headers
        SigV4.Request.Payload = SigV4.Body body
    }

let private getVanilla =
    rootRequest "GET" [ "Host", "example.amazonaws.com"; "X-Amz-Date", "20150830T123600Z" ] [||]

let private formBody = Encoding.UTF8.GetBytes "Param1=value1"

let private postForm =
    rootRequest
        "POST"
        [
            "Content-Type", "application/x-www-form-urlencoded"
            "Host", "example.amazonaws.com"
            "Content-Length", "13"
            "X-Amz-Content-Sha256", SigV4.sha256Hex formBody
            "X-Amz-Date", "20150830T123600Z"
        ]
        formBody

let private sessionToken =
    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

let private getWithToken =
    { getVanilla with
        Headers = getVanilla.Headers @ [ "X-Amz-Security-Token", sessionToken ]
    }

let private secretIdBody = Encoding.UTF8.GetBytes """{"SecretId":"cachethq"}"""

let private getSecretValue =
    rootRequest
        "POST"
        [
            "Content-Type", "application/x-amz-json-1.1"
            "Host", "secretsmanager.us-west-2.amazonaws.com"
            "X-Amz-Date", "20150830T123600Z"
            "X-Amz-Target", "secretsmanager.GetSecretValue"
        ]
        secretIdBody

let private signatureOf region service (creds: SigV4.Credentials) request =
    let toSign =
        SigV4.canonicalRequest request |> SigV4.stringToSign instant region service

    SigV4.signature (SigV4.signingKey creds.SecretAccessKey instant region service) toSign

let private vectorTests name request region service canonical toSign signature =
    testList
        name
        [
            test "the canonical request matches the vector" {
                Expect.equal (SigV4.canonicalRequest request) canonical "canonical request"
            }
            test "the string to sign matches the vector" {
                Expect.equal (SigV4.canonicalRequest request |> SigV4.stringToSign instant region service) toSign ""
            }
            test "the signature matches the vector" {
                Expect.equal (signatureOf region service credentials request) signature "signature"
            }
        ]

let private officialVectors =
    testList
        "official vectors"
        [
            vectorTests
                "get-vanilla"
                getVanilla
                "us-east-1"
                "service"
                (lines
                    [
                        "GET"
                        "/"
                        ""
                        "host:example.amazonaws.com"
                        "x-amz-date:20150830T123600Z"
                        ""
                        "host;x-amz-date"
                        emptyHash
                    ])
                (lines
                    [
                        "AWS4-HMAC-SHA256"
                        "20150830T123600Z"
                        "20150830/us-east-1/service/aws4_request"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
                    ])
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            vectorTests
                "post-x-www-form-urlencoded"
                postForm
                "us-east-1"
                "service"
                (lines
                    [
                        "POST"
                        "/"
                        ""
                        "content-length:13"
                        "content-type:application/x-www-form-urlencoded"
                        "host:example.amazonaws.com"
                        "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
                        "x-amz-date:20150830T123600Z"
                        ""
                        "content-length;content-type;host;x-amz-content-sha256;x-amz-date"
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
                    ])
                (lines
                    [
                        "AWS4-HMAC-SHA256"
                        "20150830T123600Z"
                        "20150830/us-east-1/service/aws4_request"
                        "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb"
                    ])
                "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
            vectorTests
                "get-vanilla-with-session-token"
                getWithToken
                "us-east-1"
                "service"
                (lines
                    [
                        "GET"
                        "/"
                        ""
                        "host:example.amazonaws.com"
                        "x-amz-date:20150830T123600Z"
                        $"x-amz-security-token:{sessionToken}"
                        ""
                        "host;x-amz-date;x-amz-security-token"
                        emptyHash
                    ])
                (lines
                    [
                        "AWS4-HMAC-SHA256"
                        "20150830T123600Z"
                        "20150830/us-east-1/service/aws4_request"
                        "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b"
                    ])
                "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        ]

let private getSecretValueSignature =
    "939b8d7a97db59b612fadcadbd3d50cb93705b61bd2503beb53ce1a666cab39d"

let private derivedVector =
    testList
        "derived GetSecretValue vector"
        [
            vectorTests
                "without the content hash header"
                getSecretValue
                "us-west-2"
                "secretsmanager"
                (lines
                    [
                        "POST"
                        "/"
                        ""
                        "content-type:application/x-amz-json-1.1"
                        "host:secretsmanager.us-west-2.amazonaws.com"
                        "x-amz-date:20150830T123600Z"
                        "x-amz-target:secretsmanager.GetSecretValue"
                        ""
                        "content-type;host;x-amz-date;x-amz-target"
                        "2b7c40e6847708839bab177b4cb861eda5ffc534d0704f891664f072e6413d64"
                    ])
                (lines
                    [
                        "AWS4-HMAC-SHA256"
                        "20150830T123600Z"
                        "20150830/us-west-2/secretsmanager/aws4_request"
                        "a2b1ea7c5958746a2511a05a0aae6a51b6508ccd8ec1814cc41c83fa9db67044"
                    ])
                getSecretValueSignature
            test "signing the content hash header too gives the second derived signature" {
                let request =
                    { getSecretValue with
                        Headers =
                            getSecretValue.Headers
                            @ [ "X-Amz-Content-Sha256", SigV4.sha256Hex secretIdBody ]
                    }

                Expect.equal
                    (signatureOf "us-west-2" "secretsmanager" credentials request)
                    "b3d962f6c3f2214adecb3433f56d48eca1c0b0ee89a81f7fd9931fd34184fcb9"
                    "signature"
            }
            test "signGetSecretValue sends the vector's headers and Authorization" {
                let headers =
                    SigV4.signGetSecretValue
                        credentials
                        "us-west-2"
                        "secretsmanager.us-west-2.amazonaws.com"
                        instant
                        secretIdBody

                Expect.equal
                    headers
                    [
                        "Content-Type", "application/x-amz-json-1.1"
                        "Host", "secretsmanager.us-west-2.amazonaws.com"
                        "X-Amz-Date", "20150830T123600Z"
                        "X-Amz-Target", "secretsmanager.GetSecretValue"
                        "Authorization",
                        $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={getSecretValueSignature}"
                    ]
                    "headers"
            }
            test "temporary credentials send and sign the security token" {
                let temporary =
                    { credentials with
                        SessionToken = Some(Secret.create sessionToken)
                    }

                let headers =
                    SigV4.signGetSecretValue
                        temporary
                        "us-west-2"
                        "secretsmanager.us-west-2.amazonaws.com"
                        instant
                        secretIdBody
                    |> Map.ofList

                Expect.equal headers["X-Amz-Security-Token"] sessionToken "token header"

                Expect.stringContains
                    headers["Authorization"]
                    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
                    "token signed"
            }
            test "the C# entry point signs like the F# one" {
                let fromCSharp =
                    SigV4.signGetSecretValueForHost (
                        "AKIDEXAMPLE",
                        credentials.SecretAccessKey,
                        null,
                        "us-west-2",
                        "secretsmanager.us-west-2.amazonaws.com",
                        "/",
                        instant,
                        secretIdBody
                    )
                    |> Array.map (fun pair -> pair.Key, pair.Value)
                    |> List.ofArray

                Expect.equal
                    fromCSharp
                    (SigV4.signGetSecretValue
                        credentials
                        "us-west-2"
                        "secretsmanager.us-west-2.amazonaws.com"
                        instant
                        secretIdBody)
                    "same headers"
            }
            test "credentials print without their secret parts" {
                let temporary =
                    { credentials with
                        SessionToken = Some(Secret.create sessionToken)
                    }

                let printed = $"%A{temporary}"
                Expect.isFalse (printed.Contains "wJalrXUtnFEMI") "secret key masked"
                Expect.isFalse (printed.Contains sessionToken) "session token masked"
            }
        ]

let private canonicalisation =
    testList
        "canonical headers"
        [
            test "values are trimmed and inner space runs collapsed" {
                Expect.equal
                    (SigV4.canonicalHeaders [ "My-Header1", "  a   b   c  " ])
                    [ "my-header1", "a b c" ]
                    "collapsed"
            }
            test "repeated names are joined with commas in the order given" {
                Expect.equal
                    (SigV4.canonicalHeaders [ "X-B", "2"; "x-a", "1"; "X-b", "3" ])
                    [ "x-a", "1"; "x-b", "2,3" ]
                    "joined"
            }
            test "names sort ordinally, so an upper-case letter never sorts before a hyphen by culture" {
                Expect.equal
                    (SigV4.signedHeaders [ "x-amz-date", "d"; "X-Amz-Content-Sha256", "h"; "Host", "h" ])
                    "host;x-amz-content-sha256;x-amz-date"
                    ""
            }
            test "query parameters are encoded and sorted" {
                let request =
                    { getVanilla with
                        Query = [ "b", "x y"; "a", "2"; "a", "1" ]
                    }

                Expect.stringContains (SigV4.canonicalRequest request) "\na=1&a=2&b=x%20y\n" "query line"
            }
            test "the X-Amz-Date and scope come from the same UTC instant whatever the offset" {
                let shifted = instant.ToOffset(TimeSpan.FromHours -9.0)
                Expect.equal (SigV4.amzDate shifted) "20150830T123600Z" "amz date"
                Expect.equal (SigV4.credentialScope shifted "r" "s") "20150830/r/s/aws4_request" "scope"
            }
        ]

/// A header value FsCheck may generate: printable ASCII without leading/trailing blanks or space runs.
let private normalValue =
    Gen.elements ([ 'a' .. 'z' ] @ [ 'A' .. 'Z' ] @ [ '0' .. '9' ] @ [ '-'; '/'; '.'; ':' ])
    |> Gen.arrayOfLength 8
    |> Gen.map String

let private sign (creds: SigV4.Credentials) at request =
    SigV4.authorizationHeader creds "us-west-2" "secretsmanager" at request

let private configuration = FsCheckConfig.defaultConfig

let private properties =
    testList
        "signature properties"
        [
            testPropertyWithConfig configuration "changing any signed header value changes the signature"
            <| fun (index: NonNegativeInt) ->
                Prop.forAll (Arb.fromGen normalValue)
                <| fun value ->
                    let headers = getSecretValue.Headers
                    let i = index.Get % headers.Length
                    let name, old = headers[i]

                    value = old
                    || sign credentials instant getSecretValue
                       <> sign
                           credentials
                           instant
                           { getSecretValue with
                               Headers = List.updateAt i (name, value) headers
                           }
            testPropertyWithConfig configuration "changing the body changes the signature"
            <| fun (body: byte[]) ->
                body = secretIdBody
                || sign credentials instant getSecretValue
                   <> sign
                       credentials
                       instant
                       { getSecretValue with
                           Payload = SigV4.Body body
                       }
            testPropertyWithConfig configuration "changing the date changes the signature"
            <| fun (seconds: PositiveInt) ->
                let later = instant.AddSeconds(float seconds.Get)
                sign credentials instant getSecretValue <> sign credentials later getSecretValue
            testPropertyWithConfig configuration "changing the secret key changes the signature"
            <| fun (NonEmptyString secret) ->
                let other =
                    { credentials with
                        SecretAccessKey = Secret.create secret
                    }

                secret = Secret.reveal credentials.SecretAccessKey
                || sign credentials instant getSecretValue <> sign other instant getSecretValue
            testPropertyWithConfig configuration "header name case and order do not change the signature"
            <| fun (seed: int) ->
                let random = Random(seed)

                let shuffled =
                    getSecretValue.Headers
                    |> List.map (fun (name, value) ->
                        let cased =
                            name
                            |> String.map (fun c ->
                                if random.Next 2 = 0 then
                                    Char.ToUpperInvariant c
                                else
                                    Char.ToLowerInvariant c)

                        cased, value)
                    |> List.sortBy (fun _ -> random.Next())

                sign
                    credentials
                    instant
                    { getSecretValue with
                        Headers = shuffled
                    }
                    =
                    sign credentials instant getSecretValue
        ]

/// Every SigV4 test.
[<Tests>]
let tests =
    testList "SigV4" [ officialVectors; derivedVector; canonicalisation; properties ]
