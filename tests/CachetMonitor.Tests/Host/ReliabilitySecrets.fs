/// Secrets: the token (whatever provider gives it) and every `${VAR}`-sourced value never reach any output; the
/// generated config is owner-only; a world-readable config holding a literal token is warned about.
module CachetMonitor.Tests.Host.ReliabilitySecrets

open System
open System.IO
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private token = "reliability-token-5f1c9a"

/// Values that come from the environment through `${VAR}`: none may be printed.
let private urlSecret = "url-secret-77aa31"
let private headerSecret = "header-secret-0c4e8d"
let private hookSecret = "hook-secret-93bb02"

let private interpolatedEnvironment =
    [
        "REL_URL_SECRET", urlSecret
        "REL_HEADER_SECRET", headerSecret
        "REL_HOOK_SECRET", hookSecret
    ]

/// An endpoint that takes a query value and a header from the environment, and a webhook that does too.
let private interpolatedEndpoint (url: string) componentId =
    endpointYaml
        "api"
        (url + "?key=${REL_URL_SECRET}")
        componentId
        (statusExpectation
         @ [
             "header:"
             "  Authorization: \"Bearer ${REL_HEADER_SECRET}\""
             "action: [CREATE_INCIDENT, UPDATE_STATUS]"
         ])

let private interpolatedHook (hookUrl: string) =
    [
        "webhooks:"
        $"  - url: \"{hookUrl}\""
        "    params:"
        "      secret: \"${REL_HOOK_SECRET}\""
    ]

let private expectNoSecret (output: string) (secrets: string list) =
    for secret in secrets do
        Expect.isFalse (output.Contains secret) $"\"{secret}\" never appears in the output\n{output}"

/// Runs the daemon through an outage (incident opened, webhook fired) and SIGTERM; returns everything it printed.
let private daemonThroughOutage (tokenLines: string list) (args: string list) (env: (string * string | null) list) =
    task {
        use dir = new TempDir()
        let! (target: TargetServer) = TargetServer.StartAsync()
        use _ = target
        let! (cachet: FakeCachet) = FakeCachet.StartAsync()
        use _ = cachet
        cachet.AddToken token
        let api = cachet.AddComponent("api", 1)
        target.Set("/health", TargetBehaviour.WithStatus 503)

        let yaml =
            configWith
                cachet.BaseUrl
                tokenLines
                [ interpolatedEndpoint (target.Url "/health") api.Id ]
                (interpolatedHook (target.Url "/hook"))

        let path = dir.Write("config.yml", yaml)
        File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)

        use running =
            start ([ "run"; path; "--log-level"; "Trace" ] @ args) (interpolatedEnvironment @ env)

        do! waitFor running "the incident opens with the token" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
        do! waitFor running "the webhook fires" (fun () -> target.Hits "/hook" >= 1)

        let firstHit = (target.HitLog "/health")[0]

        Expect.equal firstHit.Headers["Authorization"] $"Bearer {headerSecret}" "the interpolated header is sent"

        let! _ = stopWith SIGTERM (seconds 5.0) running
        return running.Output
    }

let private daemon =
    [
        testTask "a plain-string token overridden by CACHET_TOKEN never appears at Trace level in text logs" {
            let! output =
                daemonThroughOutage
                    [ "  token: literal-never-used-0a9f" ]
                    [ "--log-format"; "text" ]
                    [ "CACHET_TOKEN", token ]

            Expect.stringContains output "dbug:" "Trace/Debug lines were written"
            expectNoSecret output [ token; "literal-never-used-0a9f"; urlSecret; headerSecret; hookSecret ]
        }

        testTask "a token from ENVIRONMENT_VARIABLE never appears at Trace level in JSON logs" {
            let! output =
                daemonThroughOutage
                    [ "  token:"; "    - type: ENVIRONMENT_VARIABLE"; "      value: REL_TOKEN_VAR" ]
                    [ "--log-format"; "json" ]
                    [ "REL_TOKEN_VAR", token ]

            Expect.stringContains output "\"LogLevel\":\"Debug\"" "JSON Debug lines were written"
            expectNoSecret output [ token; urlSecret; headerSecret; hookSecret ]
        }

        testTask "a token from AWS Secrets Manager, the secret key and a non-JSON secret never appear in any log" {
            let! (secrets: FakeSecretsManager) =
                FakeSecretsManager.StartAsync("AKIDRELIABILITY", "aws-secret-key-reliability-42")

            use _ = secrets
            secrets.PutSecretString("raw", "raw-secret-string-value-13")
            secrets.PutSecretString("cachethq", $"{{\"token\":\"{token}\"}}")

            let! output =
                daemonThroughOutage
                    [
                        "  token:"
                        "    - type: AWS_SECRETS_MANAGER"
                        "      secret_name: raw"
                        "      secret_key: token"
                        "      region: us-west-2"
                        "    - type: AWS_SECRETS_MANAGER"
                        "      secret_name: cachethq"
                        "      secret_key: token"
                        "      region: us-west-2"
                    ]
                    [ "--log-format"; "json" ]
                    [
                        "AWS_ACCESS_KEY_ID", "AKIDRELIABILITY"
                        "AWS_SECRET_ACCESS_KEY", "aws-secret-key-reliability-42"
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.Endpoint.ToString()
                    ]

            Expect.stringContains output "not JSON" "the skipped provider says why"

            expectNoSecret
                output
                [
                    token
                    "aws-secret-key-reliability-42"
                    "raw-secret-string-value-13"
                    urlSecret
                ]
        }
    ]

let private commands =
    [
        testTask "validate and check (table and JSON) never print a ${VAR} value, even in a failure message" {
            use dir = new TempDir()
            let port = freePort ()

            let yaml =
                configWith
                    "http://127.0.0.1:1/api/v1"
                    [ "  token: ${REL_TOKEN_VAR}" ]
                    [ interpolatedEndpoint $"http://127.0.0.1:{port}/down" 1 ]
                    (interpolatedHook "http://127.0.0.1:1/hook")

            let path = dir.Write("config.yml", yaml)
            let env = interpolatedEnvironment @ [ "REL_TOKEN_VAR", token ]
            let! validateCode, validated = run [ "validate"; path ] env (seconds 30.0)
            Expect.equal validateCode 0 $"valid\n{validated}"
            let! checkCode, checkedTable = run [ "check"; path ] env (seconds 30.0)
            Expect.equal checkCode 1 $"the unreachable endpoint fails\n{checkedTable}"
            Expect.stringContains checkedTable "The URL is unreachable" "the failure is reported"
            let! _, checkedJson = run [ "check"; path; "--json" ] env (seconds 30.0)
            Expect.stringContains checkedJson "\"verdict\"" "JSON output"

            for output in [ validated; checkedTable; checkedJson ] do
                expectNoSecret output [ token; urlSecret; headerSecret; hookSecret ]
        }

        testTask "an invalid ${VAR} value is named by its path in validate's errors, its value never printed" {
            use dir = new TempDir()

            let yaml =
                config
                    "http://127.0.0.1:1/api/v1"
                    "${REL_TOKEN_VAR}"
                    [
                        endpointYaml
                            "api"
                            "http://127.0.0.1:1/"
                            1
                            (statusExpectation
                             @ [ "timeout: ${REL_BAD_TIMEOUT}"; "latency_unit: ${REL_BAD_UNIT}" ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)

            let! code, output =
                run
                    [ "validate"; path ]
                    [
                        "REL_TOKEN_VAR", token
                        "REL_BAD_TIMEOUT", "timeout-secret-8c1d"
                        "REL_BAD_UNIT", "unit-secret-6e2f"
                    ]
                    (seconds 30.0)

            Expect.equal code 2 $"invalid\n{output}"
            Expect.stringContains output "endpoints[0].timeout" "names the timeout"
            Expect.stringContains output "endpoints[0].latency_unit" "names the unit"
            expectNoSecret output [ token; "timeout-secret-8c1d"; "unit-secret-6e2f" ]
        }

        testTask
            "generate writes its file readable by its owner only, also over a world-readable file, and never prints the token" {
            use dir = new TempDir()
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet
            cachet.AddToken token
            cachet.AddComponent("api", 1, link = "http://127.0.0.1:1/") |> ignore
            let fresh = Path.Combine(dir.Path, "fresh.yml")

            let! code, output =
                run [ "generate"; cachet.BaseUrl; token; fresh ] [] (seconds 30.0)

            Expect.equal code 0 $"generated\n{output}"

            Expect.equal
                (File.GetUnixFileMode fresh)
                (UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                "a new file is 0600"

            let existing = dir.Write("existing.yml", "old")
            File.SetUnixFileMode(existing, enum<UnixFileMode> 0o644)

            let! forcedCode, forced =
                run [ "generate"; cachet.BaseUrl; token; existing; "--force" ] [] (seconds 30.0)

            Expect.equal forcedCode 0 $"overwritten\n{forced}"

            Expect.equal
                (File.GetUnixFileMode existing)
                (UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                "an overwritten file becomes 0600"

            Expect.stringContains (File.ReadAllText fresh) token "the token is in the file, where it belongs"

            let! failedCode, failed =
                run [ "generate"; cachet.BaseUrl + "/nope"; token; Path.Combine(dir.Path, "x.yml") ] [] (seconds 30.0)

            Expect.equal failedCode 1 $"a Cachet error fails\n{failed}"
            expectNoSecret (output + forced + failed) [ token ]
        }
    ]

let private permissions =
    [
        testTask "run warns about a world-readable config holding a literal TOKEN, naming the file and chmod 600" {
            use dir = new TempDir()

            let yaml =
                configWith
                    "http://127.0.0.1:1/api/v1"
                    [ "  token:"; "    - type: TOKEN"; $"      value: {token}" ]
                    [ endpointYaml "api" "http://127.0.0.1:1/" 1 statusExpectation ]
                    []

            let path = dir.Write("config.yml", yaml)
            File.SetUnixFileMode(path, enum<UnixFileMode> 0o644)
            use running = start [ "run"; path; "--dry-run" ] []
            do! waitFor running "monitoring starts" (fun () -> running.Output.Contains "Monitoring 1 endpoint")
            Expect.stringContains running.Output "chmod 600" "the warning suggests the fix"
            let! _ = stopWith SIGTERM (seconds 5.0) running
            Expect.stringContains running.Output path "names the file"
            expectNoSecret running.Output [ token ]
        }

        testTask "run does not warn when the file is private or the token comes from the environment" {
            use dir = new TempDir()
            let endpoints = [ endpointYaml "api" "http://127.0.0.1:1/" 1 statusExpectation ]

            let literal =
                dir.Write("private.yml", config "http://127.0.0.1:1/api/v1" token endpoints [])

            File.SetUnixFileMode(literal, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)

            let fromEnv =
                dir.Write("env.yml", config "http://127.0.0.1:1/api/v1" "${REL_TOKEN_VAR}" endpoints [])

            File.SetUnixFileMode(fromEnv, enum<UnixFileMode> 0o644)

            for path in [ literal; fromEnv ] do
                use running = start [ "run"; path; "--dry-run" ] [ "REL_TOKEN_VAR", token ]
                do! waitFor running "monitoring starts" (fun () -> running.Output.Contains "Monitoring 1 endpoint")
                let! _ = stopWith SIGTERM (seconds 5.0) running
                Expect.isFalse (running.Output.Contains "chmod") $"no warning for {path}\n{running.Output}"
                expectNoSecret running.Output [ token ]
        }
    ]

[<Tests>]
let tests =
    testSequencedGroup "reliability: secrets" (testList "reliability: secrets" (daemon @ commands @ permissions))
