module CachetMonitor.Tests.Host.CliTests

open System
open System.IO
open Expecto
open CachetMonitor.Host.Cli
open CachetMonitor.Tests.Host.MonitorProcess

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
                        Expect.stringContains output "usage:" "prints the usage"
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
                                CachetMonitor.Domain.MonitorCore.ParseConfig(File.ReadAllText output, fun _ -> null)

                            Expect.isTrue parsed.IsValid $"the generated config is valid: %A{parsed.Errors}"
                            Expect.equal parsed.Config.Cachet.ApiUrl cachet.BaseUrl "the API base that answered"
                            let names = parsed.Config.Endpoints |> List.map (fun e -> e.Name)
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
