/// The host side of the all-failing heuristic: verdicts in, the run state's hold and the quiet times' signal out.
module CachetMonitor.Tests.Host.FailureSurgeGuardTests

open Expecto
open Microsoft.Extensions.Logging.Abstractions
open CachetMonitor.Domain
open CachetMonitor.Host.Scheduling
open CachetMonitor.Tests.Support.ComponentDriver
open CachetMonitor.Tests.Support

let private names = [ "a"; "b"; "c"; "d"; "e" ]

/// A config with five endpoints and, when given, `connectivity.all_failing_threshold`.
let private configWith (threshold: float option) =
    let endpoints =
        names |> List.mapi (fun i n -> endpoint n (i + 1) 0 1 [ UpdateStatus ])

    let text =
        String.concat
            "\n"
            ([ "endpoints:" ]
             @ (endpoints
                |> List.collect (fun e ->
                    [
                        $"  - name: {e.Name}"
                        $"    url: {e.Url}"
                        "    method: GET"
                        "    timeout: 2"
                        "    frequency: 30"
                        $"    component_id: {e.ComponentId}"
                        "    expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
                        "    action: [UPDATE_STATUS]"
                    ]))
             @ [ "cachet:"; "  api_url: https://status.example/api/v1"; "  token: t0ken" ]
             @ (threshold
                |> Option.map (fun t -> [ "connectivity:"; $"  all_failing_threshold: {t}" ])
                |> Option.defaultValue [])
             @ [ "" ])

    match (ConfigParser.read TestTimeZones.lookup (fun _ -> None) (fun _ -> None) text).Parsed with
    | Ok parsed -> parsed.Config
    | Error errors -> failtest (errors |> List.map ConfigIssue.render |> String.concat "\n")

let private guard threshold =
    let runState = RunState()
    let surge = FailureSurgeGuard(runState, NullLogger<FailureSurgeGuard>.Instance)
    let changes = ref 0
    surge.add_Changed (fun () -> changes.Value <- changes.Value + 1)
    surge.SetConfig(configWith threshold)
    surge, runState, changes

[<Tests>]
let tests =
    testList
        "all-failing heuristic: host"
        [
            test "every endpoint failing holds writes (the run state says why) until one more round passes" {
                let surge, runState, changes = guard (Some 0.9)

                for n in names do
                    surge.OnChecked(n, verdict "P", 100L)

                Expect.equal changes.Value 1 "the quiet times are told once"

                match runState.Offline with
                | null -> failtest "not held"
                | reason -> Expect.stringContains reason "all_failing_threshold" "held, with the reason"

                for n in names do
                    surge.OnChecked(n, verdict "ok", 130L)

                Expect.equal changes.Value 2 "told again when the round is over"
                Expect.isNull runState.Offline "writes go on"
            }
            test "without the key nothing is ever held" {
                let surge, runState, changes = guard None

                for n in names do
                    surge.OnChecked(n, verdict "X", 100L)

                Expect.equal changes.Value 0 "no signal"
                Expect.isNull runState.Offline "not held"
            }
            test "a reload ends a hold" {
                let surge, runState, changes = guard (Some 0.9)

                for n in names do
                    surge.OnChecked(n, verdict "X", 100L)

                surge.SetConfig(configWith None)
                Expect.equal changes.Value 2 "held, then released by the reload"
                Expect.isNull runState.Offline "not held after the reload"
            }
        ]
