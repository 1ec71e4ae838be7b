module CachetMonitor.Tests.Host.CliTests

open System
open System.IO
open Expecto
open CachetMonitor.Host.Cli
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support

let private parse (args: string list) =
    let struct (parsed, error) = CliArguments.Parse(Array.ofList args)
    parsed, error

let private repoRoot = RepoFiles.root

let private seconds (s: float) = TimeSpan.FromSeconds s

let private brokenConfig =
    """endpoints:
  - name: api
    url: ftp://example.test
    method: GET
    timeout: -1
    expectation:
      - type: HTTP_STATUS
        status_range: 2OO-300
    component_id: 1
    frequency: -3
cachet:
  api_url: http://127.0.0.1:1/api/v1
  token: t0ken-value
"""

[<Tests>]
let tests =
    testList
        "cli"
        [
            testList
                "arguments"
                [
                    test "a bare config path is the original's invocation and means run" {
                        let parsed, error = parse [ "config.yml" ]
                        Expect.isNull error "no error"
                        let parsed = nonNull parsed
                        Expect.equal parsed.Command "run" "run"
                        Expect.equal (List.ofSeq parsed.Positionals) [ "config.yml" ] "the path"
                    }
                    test "run without a path falls back to CACHET_MONITOR_CONFIG, then config/config.yml" {
                        let parsed, _ = parse [ "run"; "--dry-run" ]
                        let parsed = nonNull parsed
                        Expect.isTrue parsed.DryRun "dry run"

                        Expect.equal
                            (parsed.ConfigPath(fun name -> if name = "CACHET_MONITOR_CONFIG" then "/x/c.yml" else null))
                            "/x/c.yml"
                            "from the environment"

                        Expect.equal
                            (parsed.ConfigPath(fun _ -> null))
                            (Path.Combine("config", "config.yml"))
                            "the default"
                    }
                    test "check takes --json and generate takes three arguments and --force" {
                        let check, _ = parse [ "check"; "c.yml"; "--json" ]
                        Expect.isTrue (nonNull check).Json "json"

                        let generate, _ =
                            parse [ "generate"; "http://x/api/v1"; "tok"; "out.yml"; "--force" ]

                        Expect.isTrue (nonNull generate).Force "force"
                        Expect.equal (List.ofSeq (nonNull generate).Positionals).Length 3 "three"
                    }
                    test "completion offers the commands, the options of the command and the values of an option" {
                        let completions (line: string) =
                            CommandLineSyntax.Root.Parse(line).GetCompletions(line.Length)
                            |> Seq.map (fun c -> c.Label)
                            |> List.ofSeq

                        Expect.contains (completions "val") "validate" "a command"
                        Expect.contains (completions "run --sh") "--shard-from-hostname" "an option of run"
                        Expect.isFalse (List.contains "--dry-run" (completions "check --")) "not another command's"
                        Expect.contains (completions "--log-level ") "Warning" "a value"
                        Expect.equal (completions "--log-format ") [ "json"; "text" ] "the formats"
                    }
                    test "a config path may start with @ (no response files)" {
                        let parsed, error = parse [ "validate"; "@config.yml" ]
                        Expect.isNull error "no error"
                        Expect.equal (List.ofSeq (nonNull parsed).Positionals) [ "@config.yml" ] "the path as given"
                    }
                    test "help COMMAND and COMMAND --help, --version and version parse to help and version" {
                        for args, command in
                            [
                                [ "--help" ], "help"
                                [ "validate"; "--help" ], "help"
                                [ "help"; "run" ], "help"
                                [ "--version" ], "version"
                                [ "version" ], "version"
                            ] do
                            let parsed, error = parse args
                            Expect.isNull error $"%A{args} parses"
                            Expect.equal (nonNull parsed).Command command $"%A{args}"
                    }
                    test "unknown options, misplaced options and wrong argument counts are errors" {
                        for args in
                            [
                                [ "--nope" ]
                                [ "check"; "--dry-run" ]
                                [ "run"; "a.yml"; "b.yml" ]
                                [ "generate"; "http://x" ]
                                [ "validate"; "--json" ]
                                [ "--log-level"; "loud" ]
                                [ "--log-format"; "xml" ]
                                [ "--log-level" ]
                                [ "check"; "--jsn" ]
                                [ "help"; "nothing" ]
                                [ "--shard"; "0/2"; "--shard-from-hostname"; "2" ]
                                [ "--listen"; "127.0.0.1:0" ]
                            ] do
                            let parsed, error = parse args
                            Expect.isNull parsed $"%A{args} is rejected"
                            Expect.isNotNull error $"%A{args} says why"
                    }
                ]
            testList
                "process"
                [
                    testTask "validate accepts the original's README example unchanged" {
                        let config = Path.Combine(repoRoot, "examples", "original-readme-config.yml")
                        let! code, output = run [ "validate"; config ] [] (seconds 30.0)
                        Expect.equal code 0 $"valid: {output}"
                        Expect.stringContains output "valid (3 endpoints" "says so"
                    }
                    testTask "validate lists every problem with its position and exits 2 without printing the token" {
                        use dir = new TempDir()
                        let config = dir.Write("broken.yml", brokenConfig)
                        let! code, output = run [ "validate"; config ] [] (seconds 30.0)
                        Expect.equal code 2 "invalid config exits 2"

                        for expected in
                            [
                                "endpoints[0].url (line 3"
                                "endpoints[0].timeout (line 5"
                                "endpoints[0].expectation[0].status_range (line 8"
                                "endpoints[0].frequency (line 10"
                            ] do
                            Expect.stringContains output expected $"names {expected}"

                        Expect.isFalse (output.Contains "t0ken-value") "the token is never printed"
                    }
                    testTask "validate prints the warnings of a config that has errors too" {
                        use dir = new TempDir()

                        let config =
                            dir.Write(
                                "mixed.yml",
                                brokenConfig.Replace("    frequency: -3\n", "    frequency: -3\n    timout: 3\n")
                            )

                        let! code, output = run [ "validate"; config ] [] (seconds 30.0)
                        Expect.equal code 2 "invalid"
                        Expect.stringContains output "warning: endpoints[0].timout" "the warning"
                        Expect.stringContains output "error: endpoints[0].url" "an error"
                        Expect.stringContains output "invalid (4 errors, 1 warning)" "both counted"
                    }
                    testTask "schema prints the JSON Schema that docs/config.schema.json holds" {
                        let! code, output = run [ "schema" ] [] (seconds 30.0)
                        Expect.equal code 0 "exit 0"

                        Expect.stringContains
                            output
                            "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""
                            "a schema"

                        Expect.stringContains output "\"resync_interval\"" "with the keys"
                    }
                    testTask "run with an invalid config exits 2 before touching the network" {
                        use dir = new TempDir()
                        let config = dir.Write("broken.yml", brokenConfig)
                        let! code, output = run [ config ] [] (seconds 30.0)
                        Expect.equal code 2 "exit 2"
                        Expect.stringContains output "nothing was started" "says nothing started"
                    }
                    testTask "bad arguments exit 2 with the usage" {
                        let! code, output = run [ "--bogus" ] [] (seconds 30.0)
                        Expect.equal code 2 "exit 2"
                        // The generated help says "Usage:".
                        Expect.stringContains ((output: string).ToLowerInvariant()) "usage:" "prints the usage"
                    }
                    testTask "each command has its own generated --help, and help COMMAND prints the same" {
                        let! code, output = run [ "validate"; "--help" ] [] (seconds 30.0)
                        Expect.equal code 0 "exit 0"
                        Expect.stringContains output "cachet-monitor validate [<CONFIG>]" "the command's usage line"
                        Expect.stringContains output "Print every error and warning" "the command's description"
                        Expect.isFalse (output.Contains "--dry-run") "not the daemon's options"
                        let! helpCode, helpOutput = run [ "help"; "validate" ] [] (seconds 30.0)
                        Expect.equal helpCode 0 "exit 0"
                        Expect.equal helpOutput output "the same help"
                        let! runCode, runHelp = run [ "run"; "--help" ] [] (seconds 30.0)
                        Expect.equal runCode 0 "exit 0"
                        Expect.stringContains runHelp "--shard-from-hostname <N>" "run's options"
                    }
                    testTask "a mistyped command exits 2 and suggests the command" {
                        let! code, output = run [ "valdate"; "x.yml" ] [] (seconds 30.0)
                        Expect.equal code 2 "exit 2"
                        Expect.stringContains output "'valdate': did you mean 'validate'?" "suggests validate"
                        // Alone, the word is the daemon's CONFIG: no such file (exit 2), and the hint.
                        let! aloneCode, alone = run [ "valdate" ] [] (seconds 30.0)
                        Expect.equal aloneCode 2 $"exit 2\n{alone}"
                        Expect.stringContains alone "'valdate': did you mean 'validate'?" "suggests validate"
                    }
                    testTask "a mistyped option exits 2 and suggests the option" {
                        let! code, output = run [ "run"; "--dry-rn"; "x.yml" ] [] (seconds 30.0)
                        Expect.equal code 2 "exit 2"
                        Expect.stringContains output "'--dry-rn': did you mean '--dry-run'?" "suggests --dry-run"
                        let! checkCode, checkOutput = run [ "check"; "--jsn" ] [] (seconds 30.0)
                        Expect.equal checkCode 2 "exit 2"
                        Expect.stringContains checkOutput "did you mean '--json'?" "suggests --json"
                    }
                    for version in ScenarioSupport.cachetVersions do
                        testTask (
                            ScenarioSupport.onVersion
                                "generate follows every page, skips disabled components, writes a valid config and never overwrites without --force"
                                version
                        ) {
                            use dir = new TempDir()

                            let! (cachet: CachetMonitor.FakeServers.FakeCachet) =
                                CachetMonitor.FakeServers.FakeCachet.StartAsync(version)

                            use _ = cachet
                            cachet.AddToken "generate-token-0042"

                            for i in 1..25 do
                                cachet.AddComponent($"service {i}", 1, link = $"http://127.0.0.1:9/s{i}")
                                |> ignore

                            cachet.AddComponent("retired", 1, enabled = false, link = "http://127.0.0.1:9/old")
                            |> ignore

                            let output = Path.Combine(dir.Path, "generated.yml")
                            // On 3.x the host alone: generate detects the API below it.
                            let apiUrl =
                                if version = CachetMonitor.FakeServers.FakeCachetVersion.V3 then
                                    cachet.Root
                                else
                                    cachet.BaseUrl

                            let! code, printed =
                                run [ "generate"; apiUrl; "generate-token-0042"; output ] [] (seconds 30.0)

                            Expect.equal code 0 $"generated\n{printed}"

                            let parsed =
                                CachetMonitor.Domain.HostInterop.ParseConfig(
                                    File.ReadAllText output,
                                    (fun _ -> null),
                                    TestTimeZones.func
                                )

                            let valid, config = parsed.TryGetConfig()
                            Expect.isTrue valid $"the generated config is valid: %A{parsed.Errors}"
                            Expect.equal config.Cachet.ApiUrl cachet.BaseUrl "the API base that answered"
                            let names = config.Endpoints |> List.map (fun e -> e.Name)
                            Expect.equal names.Length 25 "every enabled component, across two pages"
                            Expect.isFalse (List.contains "retired" names) "disabled components are skipped"
                            Expect.contains names "service 25" "the second page is read"
                            let before = File.ReadAllText output

                            let! again, refused =
                                run [ "generate"; apiUrl; "generate-token-0042"; output ] [] (seconds 30.0)

                            Expect.equal again 2 $"refuses to overwrite\n{refused}"
                            Expect.stringContains refused "--force" "says how to overwrite"
                            Expect.equal (File.ReadAllText output) before "the file is untouched"
                        }
                    testTask "a missing config file is reported with its path and exits 2" {
                        let! code, output = run [ "validate"; "/nonexistent/config.yml" ] [] (seconds 30.0)
                        Expect.equal code 2 "exit 2"
                        Expect.stringContains output "/nonexistent/config.yml" "names the file"
                    }
                ]
        ]
