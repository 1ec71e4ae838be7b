module CachetMonitor.Tests.Domain.ConfigLoadingTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private yaml (apiUrl: string) (url: string) =
    $"""endpoints:
  - name: api
    url: {url}
    method: GET
    timeout: 1
    frequency: 5
    component_id: 1
    expectation:
      - type: HTTP_STATUS
        status_range: 200-300
cachet:
  api_url: {apiUrl}
  token: token-from-file
"""

let private environment pairs =
    let map = Map.ofList pairs
    fun name -> Map.tryFind name map

let private valid (loaded: LoadedConfig) =
    match loaded.Parsed with
    | Ok parsed -> parsed.Config
    | Error errors -> failtest $"expected a valid config, got {errors.Length} error(s)"

[<Tests>]
let tests =
    testList
        "config loading"
        [
            test "CACHET_API_URL (non-empty) replaces cachet.api_url, trimmed and without a trailing slash" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "CACHET_API_URL", " https://other.example/api/v1/ " ])
                        (yaml "https://status.example/api/v1" "http://api.example/health")

                Expect.equal (valid loaded).Cachet.ApiUrl "https://other.example/api/v1" "overridden"
            }
            test "CACHET_TOKEN (non-empty) replaces a plain-string token, and is recorded as a value to mask" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "CACHET_TOKEN", "token-from-env" ])
                        (yaml "https://status.example/api/v1" "http://api.example/health")

                match (valid loaded).Cachet.Token with
                | PlainToken secret -> Expect.equal (Secret.reveal secret) "token-from-env" "overridden"
                | _ -> failtest "a plain token"

                Expect.contains loaded.EnvironmentValues "token-from-env" "masked like other environment values"
            }
            test "an empty CACHET_TOKEN leaves the string" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "CACHET_TOKEN", "" ])
                        (yaml "https://status.example/api/v1" "http://api.example/health")

                match (valid loaded).Cachet.Token with
                | PlainToken secret -> Expect.equal (Secret.reveal secret) "token-from-file" "kept"
                | _ -> failtest "a plain token"
            }
            test "CACHET_TOKEN does not replace a provider list" {
                let text =
                    (yaml "https://status.example/api/v1" "http://api.example/health")
                        .Replace("  token: token-from-file", "  token:\n    - type: TOKEN\n      value: listed-token")

                match
                    (valid (
                        ConfigLoading.load TestTimeZones.lookup (environment [ "CACHET_TOKEN", "token-from-env" ]) text
                    ))
                        .Cachet.Token
                with
                | Providers [ LiteralToken secret ] ->
                    Expect.equal (Secret.reveal secret) "listed-token" "the list stays"
                | _ -> failtest "the provider list"
            }
            test "an empty CACHET_API_URL changes nothing" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "CACHET_API_URL", "" ])
                        (yaml "https://status.example/api/v1" "http://api.example/health")

                Expect.equal (valid loaded).Cachet.ApiUrl "https://status.example/api/v1" "kept"
            }
            test "the values taken from ${VAR} are recorded, once each, for redaction" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "HOST", "status.example"; "SECRET", "s3cr3t-value"; "UNUSED", "never" ])
                        (yaml "https://${HOST}/api/v1" "http://api.example/health?key=${SECRET}&again=$SECRET")

                Expect.equal
                    loaded.EnvironmentValues
                    [ "s3cr3t-value"; "status.example" ]
                    "used values, in first-use order"
            }
            test "values are recorded for an invalid config too, so its errors can be masked" {
                let loaded =
                    ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [ "SECRET", "s3cr3t-value" ])
                        ((yaml "https://status.example/api/v1" "http://api.example/${SECRET}")
                            .Replace("frequency: 5", "frequency: -1"))

                Expect.isError loaded.Parsed "invalid"
                Expect.equal loaded.EnvironmentValues [ "s3cr3t-value" ] "recorded"
            }
            test
                "cachet.resync_interval defaults to five minutes, takes seconds, and refuses what is not a positive number" {
                let plain = yaml "https://status.example/api/v1" "http://api.example/"

                Expect.equal
                    (valid (ConfigLoading.load TestTimeZones.lookup (environment []) plain)).Cachet.ResyncSeconds
                    300.0
                    "default"

                let custom =
                    plain.Replace("  token: token-from-file", "  token: token-from-file\n  resync_interval: 30")

                Expect.equal
                    (valid (ConfigLoading.load TestTimeZones.lookup (environment []) custom)).Cachet.ResyncSeconds
                    30.0
                    "set"

                match
                    (ConfigLoading.load
                        TestTimeZones.lookup
                        (environment [])
                        (custom.Replace("resync_interval: 30", "resync_interval: 0")))
                        .Parsed
                with
                | Ok _ -> failtest "0 is refused"
                | Error errors ->
                    Expect.equal (errors |> List.map (fun e -> e.Path)) [ "cachet.resync_interval" ] "names the key"
            }
            test "a check needs the body only for a REGEX expectation" {
                let config =
                    valid (
                        ConfigLoading.load
                            TestTimeZones.lookup
                            (environment [])
                            (yaml "https://status.example/api/v1" "http://api.example/")
                    )

                Expect.isFalse config.Endpoints.Head.NeedsBody "status only"

                let withRegex =
                    { config.Endpoints.Head with
                        Expectations =
                            [
                                {
                                    Kind =
                                        BodyRegex(
                                            RegexPattern.create "ok" |> Result.defaultWith (fun _ -> failtest "pattern")
                                        )
                                    Severity = Partial
                                }
                            ]
                    }

                Expect.isTrue withRegex.NeedsBody "REGEX reads the body"
            }
        ]
