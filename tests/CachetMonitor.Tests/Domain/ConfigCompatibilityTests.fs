/// Configs the original runs, read as a user of the original would expect; and warnings that survive errors.
module CachetMonitor.Tests.Domain.ConfigCompatibilityTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private environment pairs =
    let map = Map.ofList pairs
    fun name -> Map.tryFind name map

/// A config with one endpoint (plus `extra` lines) and `cachet` lines as given.
let private config (extra: string list) (cachet: string list) =
    String.concat "\n" ([ "endpoints:" ] @ ConfigText.endpoint extra @ cachet @ [ "" ])

let private cachet =
    [ "cachet:"; "  api_url: https://status.example/api/v1"; "  token: t0ken" ]

let private load pairs text =
    ConfigLoading.load TestTimeZones.lookup (environment pairs) text

let private valid (loaded: LoadedConfig) =
    match loaded.Parsed with
    | Ok parsed -> parsed
    | Error errors -> failtest (errors |> List.map ConfigIssue.render |> String.concat "\n")

let private errorsOf (loaded: LoadedConfig) =
    match loaded.Parsed with
    | Ok _ -> failtest "expected errors"
    | Error errors -> errors

let private warningAt path (loaded: LoadedConfig) =
    match loaded.Warnings |> List.filter (fun w -> w.Path = path) with
    | [ warning ] -> warning.Message
    | _ -> failtest $"expected one warning at {path}, got %A{loaded.Warnings |> List.map ConfigIssue.render}"

let private overrides =
    testList
        "the original's environment overrides"
        [
            for name, lines in
                [
                    "missing", [ "cachet:"; "  token: t0ken" ]
                    "empty", [ "cachet:"; "  api_url:"; "  token: t0ken" ]
                    "null", [ "cachet:"; "  api_url: null"; "  token: t0ken" ]
                    "of another shape", [ "cachet:"; "  api_url: {host: x}"; "  token: t0ken" ]
                ] do
                test $"with CACHET_API_URL set, cachet.api_url may be %s{name}" {
                    let parsed =
                        load [ "CACHET_API_URL", "https://cachet.example/api/v1/" ] (config [] lines)
                        |> valid

                    Expect.equal parsed.Config.Cachet.ApiUrl "https://cachet.example/api/v1" "the variable's URL"
                }

            test "an invalid CACHET_API_URL is an error naming the variable, its value not shown" {
                let errors =
                    load [ "CACHET_API_URL", "ftp://secret-host" ] (config [] cachet) |> errorsOf

                let error = List.exactlyOne errors
                Expect.equal error.Path "cachet.api_url" "at the key it replaces"
                Expect.stringContains error.Message "CACHET_API_URL" "names the variable"
                Expect.isFalse (error.Message.Contains "secret-host") "value masked"
            }

            for name, lines in
                [
                    "missing", [ "cachet:"; "  api_url: https://s.example/api/v1" ]
                    "empty", [ "cachet:"; "  api_url: https://s.example/api/v1"; "  token: ''" ]
                    "null", [ "cachet:"; "  api_url: https://s.example/api/v1"; "  token: ~" ]
                ] do
                test $"with CACHET_TOKEN set, cachet.token may be %s{name}" {
                    let loaded = load [ "CACHET_TOKEN", "from-env-token" ] (config [] lines)
                    let parsed = valid loaded
                    Expect.equal parsed.Config.Cachet.Token (PlainToken(Secret.create "from-env-token")) "the variable"
                    Expect.contains loaded.EnvironmentValues "from-env-token" "masked like other values"
                }

            test "without the variables, a missing api_url and token are still required" {
                let errors = load [] (config [] [ "cachet: {resync_interval: 60}" ]) |> errorsOf
                Expect.equal (errors |> List.map _.Path) [ "cachet.api_url"; "cachet.token" ] "both required"
            }
        ]

let private lenientValues =
    testList
        "values the original ran"
        [
            test "frequency: 0 runs every second, with a warning saying so" {
                let text = (config [] cachet).Replace("frequency: 30", "frequency: 0")
                let loaded = load [] text
                Expect.equal (valid loaded).Config.Endpoints.Head.FrequencySeconds 1.0 "one second"
                Expect.stringContains (warningAt "endpoints[0].frequency" loaded) "using 1 second" "says the value"
            }

            test "a negative allowed_fails counts as 0, with a warning saying so" {
                let loaded = load [] (config [ "allowed_fails: -2" ] cachet)
                Expect.equal (valid loaded).Config.Endpoints.Head.AllowedFails 0 "zero"
                Expect.stringContains (warningAt "endpoints[0].allowed_fails" loaded) "using 0" "says the value"
            }

            test "an unknown latency_unit without PUSH_METRICS is a warning" {
                let loaded = load [] (config [ "latency_unit: fortnights" ] cachet)
                Expect.equal (valid loaded).Config.Endpoints.Head.LatencyUnit Seconds "the default"
                Expect.stringContains (warningAt "endpoints[0].latency_unit" loaded) "no PUSH_METRICS" "says why"
            }

            test "an unknown latency_unit with PUSH_METRICS is an error" {
                let errors =
                    load [] (config [ "latency_unit: fortnights"; "action: [PUSH_METRICS]"; "metric_id: 2" ] cachet)
                    |> errorsOf

                Expect.equal (errors |> List.map _.Path) [ "endpoints[0].latency_unit" ] "the unit"
            }

            test "a non-string message template is an error, as in the original" {
                let errors =
                    load [] (config [] (cachet @ [ "messages:"; "  incident_outage: 5" ]))
                    |> errorsOf

                let error = List.exactlyOne errors
                Expect.equal error.Path "messages.incident_outage" "the key"
                Expect.stringContains error.Message "must be a string" "says what"
            }

            test "a quoted number is a string template" {
                let parsed =
                    load [] (config [] (cachet @ [ "messages:"; "  incident_outage: '5'" ]))
                    |> valid

                Expect.equal parsed.Config.Endpoints.Head.Titles.Outage "5" "the title"
            }

            test "the pre-0.6 single endpoint layout is read, with a warning that tells how to convert it" {
                let text =
                    (config [] cachet).Replace("endpoints:\n  - name: api", "endpoint:\n    name: api")

                let loaded = load [] text
                let parsed = valid loaded
                Expect.equal (parsed.Config.Endpoints |> List.map _.Name) [ "api" ] "one endpoint"
                let message = warningAt "endpoint" loaded
                Expect.stringContains message "rename \"endpoint:\" to \"endpoints:\"" "how to convert"
                Expect.isFalse (message.Contains "misspelling") "not taken for a typo"

                Expect.isFalse
                    (loaded.Warnings |> List.exists (fun w -> w.Message.Contains "unknown key"))
                    "no unknown key"
            }

            test "a non-ASCII header value is an error naming the key and how to encode it" {
                let errors = load [] (config [ "header: {X-User: José}" ] cachet) |> errorsOf
                let error = List.exactlyOne errors
                Expect.equal error.Path "endpoints[0].header.X-User" "the header"
                Expect.stringContains error.Message "ASCII" "says why"
                Expect.stringContains error.Message "encode" "says how"
            }

            test "a non-ASCII header value from the environment is refused without showing it" {
                let errors =
                    load [ "WHO", "Zoë-secret" ] (config [ "header: {X-User: '${WHO}'}" ] cachet)
                    |> errorsOf

                Expect.isFalse ((List.exactlyOne errors).Message.Contains "Zoë") "masked"
            }

            test "an api_url without an /api path draws a warning" {
                let loaded =
                    load [] (config [] [ "cachet:"; "  api_url: https://status.example"; "  token: t" ])

                valid loaded |> ignore
                Expect.stringContains (warningAt "cachet.api_url" loaded) "/api/v1" "suggests the path"
            }
        ]

let private warningsWithErrors =
    testList
        "warnings survive errors"
        [
            test "a config with an error keeps its warnings" {
                let loaded = load [] (config [ "timout: 3"; "success_threshold: 0" ] cachet)
                Expect.isNonEmpty (errorsOf loaded) "the error"
                Expect.stringContains (warningAt "endpoints[0].timout" loaded) "did you mean \"timeout\"" "the warning"
            }
        ]

[<Tests>]
let tests =
    testList "config compatibility" [ overrides; lenientValues; warningsWithErrors ]
