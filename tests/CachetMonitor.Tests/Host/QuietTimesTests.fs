/// The quiet times' per-second pass: its fast path (no windows, no schedules, offline as last applied) skips the
/// per-component work, and every component still ends up with exactly the quiet state the core computes.
module CachetMonitor.Tests.Host.QuietTimesTests

open System
open Expecto
open Microsoft.Extensions.Logging.Abstractions
open CachetMonitor.Domain
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Scheduling
open CachetMonitor.Tests.Support
open CachetMonitor.Tests.Support.ComponentHarness

/// Two endpoints on two components, and a window covering `a` now.
let private configText =
    let now = DateTimeOffset.UtcNow

    let endpoint (name: string) (id: int) =
        [
            $"  - name: {name}"
            $"    url: http://{name}.example/health"
            "    method: GET"
            "    timeout: 2"
            "    frequency: 30"
            $"    component_id: {id}"
            "    expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
            "    action: [UPDATE_STATUS]"
        ]

    [ "endpoints:" ]
    @ endpoint "a" 1
    @ endpoint "b" 2
    @ [
        "cachet:"
        "  api_url: https://status.example/api/v1"
        "  token: t0ken"
        "maintenance:"
        "  - name: deploy"
        $"""    start: {now.AddHours(-1.0).ToString("yyyy-MM-ddTHH:mm:ssZ")}"""
        $"""    end: {now.AddHours(1.0).ToString("yyyy-MM-ddTHH:mm:ssZ")}"""
        "    endpoints: [a]"
        ""
    ]
    |> String.concat "\n"

let private windowConfig () = ConfigText.validConfig configText


[<Tests>]
let tests =
    testList
        "quiet times: the per-second pass"
        [
            test "the fast path leaves every component with the quiet state the core computes, through every change" {
                let withWindow = windowConfig ()
                let noWindows = { withWindow with Maintenance = [] }
                let options = CachetWriteOptions()
                let gate = new CachetWriteGate(options)
                let cachet = DryRunCachet(NullLogger<DryRunCachet>.Instance)

                let components =
                    withWindow.Endpoints
                    |> List.map (fun e -> componentWith cachet options gate (fun _ _ -> ()) NullLogger.Instance [ e ])

                let all = ComponentSet(components)
                let runState = RunState()

                let quiet =
                    QuietTimes(all, runState, TimeProvider.System, NullLogger<QuietTimes>.Instance)

                let expect (config: Config) step =
                    for c in components do
                        let wanted =
                            Quiet.at
                                config.Maintenance
                                DateTimeOffset.UtcNow
                                false
                                false
                                (runState.Offline <> null)
                                c.Plan

                        Expect.equal c.State.Quiet wanted $"{step}: component {c.ComponentId}"

                quiet.SetConfig noWindows
                quiet.Apply()
                quiet.Apply()
                expect noWindows "no windows, online"
                runState.SetOffline "down" |> ignore
                quiet.Apply()
                expect noWindows "offline reaches every component through the fast path's check"
                quiet.Apply()
                expect noWindows "offline, again"
                runState.SetOffline null |> ignore
                quiet.Apply()
                expect noWindows "online again"
                quiet.SetConfig withWindow
                quiet.Apply()
                expect withWindow "a window opens for a"
                Expect.equal components[0].State.Quiet.Maintenance (set [ "a" ]) "a is in maintenance"
                quiet.SetConfig noWindows
                quiet.Apply()
                expect noWindows "a reload without windows clears it"
            }
        ]
