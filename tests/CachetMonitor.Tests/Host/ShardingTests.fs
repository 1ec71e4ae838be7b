/// `--shard I/N`, `--shard-from-hostname N` and $CACHET_MONITOR_SHARD in the host.
module CachetMonitor.Tests.Host.ShardingTests

open System
open Expecto
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cli
open CachetMonitor.Tests.Support.MonitorProcess

let private parse (args: string list) =
    let struct (parsed, error) = CliArguments.Parse(Array.ofList args)
    parsed, error

/// Resolves the shard of a command line against a fake environment.
let private resolve (args: string list) (environment: (string * string) list) =
    let parsed, error = parse args
    Expect.isNull error $"%A{args} parses"

    let lookup name =
        environment |> List.tryFind (fst >> (=) name) |> Option.map snd |> Option.toObj

    let struct (shard, problem) =
        ShardSelection.Resolve(nonNull parsed, Func<string, string | null> lookup)

    match shard, problem with
    | null, null -> Ok None
    | null, problem -> Error(nonNull problem)
    | shard, _ -> Ok(Some(string shard))

let private seconds (s: float) = TimeSpan.FromSeconds s

[<Tests>]
let tests =
    testList
        "sharding in the host"
        [
            test "--shard wins over the environment variable, which applies when no flag is given" {
                Expect.equal
                    (resolve [ "run"; "--shard"; "1/3" ] [ "CACHET_MONITOR_SHARD", "2/3" ])
                    (Ok(Some "1/3"))
                    "flag"

                Expect.equal (resolve [ "run" ] [ "CACHET_MONITOR_SHARD", "2/3" ]) (Ok(Some "2/3")) "environment"
                Expect.equal (resolve [ "run" ] []) (Ok None) "unsharded"
            }

            test "--shard-from-hostname takes the ordinal of $HOSTNAME, as a StatefulSet pod is named" {
                Expect.equal
                    (resolve [ "run"; "--shard-from-hostname"; "3" ] [ "HOSTNAME", "cachet-monitor-2" ])
                    (Ok(Some "2/3"))
                    "pod 2 of 3"

                match resolve [ "run"; "--shard-from-hostname"; "3" ] [ "HOSTNAME", "cachet-monitor-5" ] with
                | Error e -> Expect.stringContains e "out of range" "ordinal beyond the replicas"
                | Ok s -> failwith $"expected an error, got %A{s}"
            }

            test "a bad environment value is an error that names the variable" {
                match resolve [ "run" ] [ "CACHET_MONITOR_SHARD", "three" ] with
                | Error e -> Expect.stringContains e "CACHET_MONITOR_SHARD" "names it"
                | Ok s -> failwith $"expected an error, got %A{s}"
            }

            test "bad or conflicting shard options are argument errors" {
                for args in
                    [
                        [ "run"; "--shard"; "3/3" ]
                        [ "run"; "--shard" ]
                        [ "run"; "--shard-from-hostname"; "0" ]
                        [ "run"; "--shard-from-hostname"; "x" ]
                        [ "run"; "--shard"; "0/2"; "--shard-from-hostname"; "2" ]
                        [ "validate"; "--shard"; "0/2" ]
                    ] do
                    let parsed, error = parse args
                    Expect.isNull parsed $"%A{args} is rejected"
                    Expect.isNotNull error $"%A{args} says why"
            }

            testTask "a sharded daemon probes only the endpoints its shard owns and says how many" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let names = [ "api"; "www"; "web"; "db"; "blog"; "status" ]

                let shard =
                    match (HostInterop.ParseShard "1/3").TryGetShard() with
                    | true, shard -> shard
                    | false, _ -> failtest "1/3 is a shard"

                let owned = names |> List.filter (fun n -> Shard.owns shard n)
                Expect.isNonEmpty owned "the shard owns some of the names (web and status, per the pinned vector)"

                let endpoints =
                    names
                    |> List.mapi (fun i name ->
                        let url = target.Url $"/{name}"

                        [
                            $"  - name: {name}"
                            $"    url: {url}"
                            "    method: GET"
                            "    timeout: 1"
                            "    frequency: 0.2"
                            $"    component_id: {i + 1}"
                            "    expectation:"
                            "      - type: HTTP_STATUS"
                            "        status_range: 200-300"
                        ])
                    |> List.concat

                let yaml =
                    String.Join(
                        "\n",
                        [ "endpoints:" ]
                        @ endpoints
                        @ [
                            "cachet:"
                            "  api_url: http://127.0.0.1:1/api/v1"
                            "  token: shard-test-token"
                        ]
                    )

                let config = dir.Write("config.yml", yaml + "\n")

                use running =
                    start [ "run"; config; "--dry-run" ] [ "CACHET_MONITOR_SHARD", "1/3"; "HOSTNAME", "ignored-0" ]

                let! probed =
                    eventually (seconds 15.0) (fun () -> owned |> List.forall (fun n -> target.Hits $"/{n}" >= 2))

                Expect.isTrue probed $"the owned endpoints are probed\n{running.Output}"

                for name in names |> List.except owned do
                    Expect.equal (target.Hits $"/{name}") 0 $"{name} belongs to another shard"

                Expect.stringContains
                    running.Output
                    $"shard 1/3 owns {owned.Length} endpoints of {names.Length}"
                    "logs its share"

                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }
        ]
