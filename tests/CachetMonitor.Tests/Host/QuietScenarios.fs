/// Quiet times end to end: the real executable against the fake Cachet with maintenance windows (absolute and cron),
/// Cachet's schedules and the connectivity guard.
module CachetMonitor.Tests.Host.QuietScenarios

open System
open System.IO
open System.Net.Http
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private token = "quiet-token-0001"

let private statusAndIncidents =
    statusExpectation @ [ "action: [UPDATE_STATUS, CREATE_INCIDENT]" ]

let private startOn = startWith
let private holds = holdsFor
let private openIncidents = openIncidentsOf
let private replace = replaceFile

let private quietOn (cachet: FakeCachet) componentId () =
    (openIncidents cachet componentId).IsEmpty && statusOf cachet componentId = 1

let private iso (t: DateTimeOffset) =
    t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ")

/// A cron window that is always open (every minute, for two).
let private alwaysOpen =
    [
        "maintenance:"
        "  - name: deploy"
        "    cron: \"* * * * *\""
        "    duration: 2m"
    ]

[<Tests>]
let tests =
    testSequenced
    <| testList
        "quiet times end to end"
        [
            testTask
                "an absolute window covering now: a failing target writes nothing; after the window the incident opens" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api

                let endpoint =
                    [ endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents ]

                let withWindow (ends: DateTimeOffset) =
                    config
                        cachet.BaseUrl
                        token
                        endpoint
                        [
                            "maintenance:"
                            "  - name: migration"
                            $"    start: {iso (DateTimeOffset.UtcNow.AddMinutes -5.0)}"
                            $"    end: {iso ends}"
                        ]

                // Long enough for a slow start; a reload shortens it once the quiet has been seen.
                let path =
                    stage.Dir.Write("config.yml", withWindow (DateTimeOffset.UtcNow.AddMinutes 10.0))

                target.Set("/health", TargetBehaviour.WithStatus 503)
                use! running = startOn path []

                do!
                    waitFor running "the endpoint is in maintenance" (fun () ->
                        running.Output.Contains "Endpoint api (component"
                        && running.Output.Contains "is in maintenance")

                do! holds (seconds 2.0) running "nothing is written inside the window" (quietOn cachet api.Id)
                Expect.isGreaterThan (target.Hits "/health") 3 "checks went on"
                // The window now closes by itself in a few seconds (the config holds whole seconds).
                let now = DateTimeOffset.UtcNow
                let ends = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddSeconds 3.0
                replace path (withWindow ends)

                do!
                    waitUpTo (seconds 30.0) running "the incident opens after the window" (fun () ->
                        (openIncidents cachet api.Id).Length = 1 && statusOf cachet api.Id = 3)

                Expect.isGreaterThanOrEqual DateTimeOffset.UtcNow ends "not before the window ended"
                Expect.stringContains running.Output "left maintenance" "the window's end is logged"
            }

            testTask "a cron window: nothing written while it is open; a reload that removes it applies the truth" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api

                let endpoint =
                    [ endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents ]

                let path =
                    stage.Dir.Write("config.yml", config cachet.BaseUrl token endpoint alwaysOpen)

                target.Set("/health", TargetBehaviour.WithStatus 503)
                use! running = startOn path []
                do! waitFor running "the cron window is open" (fun () -> running.Output.Contains "window \"deploy\"")
                do! holds (seconds 2.0) running "nothing is written in the cron window" (quietOn cachet api.Id)
                replace path (config cachet.BaseUrl token endpoint [])

                do!
                    waitFor running "the incident opens once the window is gone" (fun () ->
                        (openIncidents cachet api.Id).Length = 1 && statusOf cachet api.Id = 3)
            }

            testTask "an incident open before the window is resolved inside it on recovery" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api

                let endpoint =
                    [ endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents ]

                let path = stage.Dir.Write("config.yml", config cachet.BaseUrl token endpoint [])
                target.Set("/health", TargetBehaviour.WithStatus 503)
                use! running = startOn path []

                do!
                    waitFor running "the incident opens" (fun () ->
                        (openIncidents cachet api.Id).Length = 1 && statusOf cachet api.Id = 3)

                replace path (config cachet.BaseUrl token endpoint alwaysOpen)
                do! waitFor running "the window opens" (fun () -> running.Output.Contains "is in maintenance")

                do!
                    holds (seconds 1.0) running "the incident stays open" (fun () ->
                        (openIncidents cachet api.Id).Length = 1)

                target.Set("/health", TargetBehaviour.Ok())
                do! waitFor running "the recovery resolves it inside the window" (quietOn cachet api.Id)
            }

            for version in cachetVersions do
                testTask (
                    onVersion "a Cachet schedule in progress suppresses the incident; once complete, it opens" version
                ) {
                    let! (stage: Stage) = Stage.StartAsync(token, version)
                    use _ = stage
                    let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                    let began = DateTimeOffset.UtcNow.AddHours -1.0
                    let schedule = cachet.AddSchedule("database upgrade", 1, began, Nullable(), api.Id)

                    let yaml =
                        stage.Config("UPDATE_STATUS, CREATE_INCIDENT", [ "  resync_interval: 1" ])

                    let path = stage.Dir.Write("config.yml", yaml)
                    target.Set("/health", TargetBehaviour.WithStatus 503)
                    use! running = startOn path []

                    do!
                        waitFor running "the schedule puts the endpoint in maintenance" (fun () ->
                            running.Output.Contains "a Cachet schedule in progress")

                    do! holds (seconds 2.0) running "no incident during the schedule" (quietOn cachet api.Id)

                    cachet.ChangeSchedule(schedule.Id, fun s -> s.Complete(DateTimeOffset.UtcNow.AddSeconds -1.0))
                    |> ignore

                    do!
                        waitFor running "the incident opens after the schedule" (fun () ->
                            (openIncidents cachet api.Id).Length = 1)
                }

            for version in cachetVersions do
                testTask (
                    onVersion
                        "maintenance_status: under maintenance (6) in the window on Cachet 3; a warning on 2.x"
                        version
                ) {
                    let! (stage: Stage) = Stage.StartAsync(token, version)
                    use _ = stage
                    let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                    let plain = stage.Config("UPDATE_STATUS, CREATE_INCIDENT")
                    let shown = alwaysOpen @ [ "    maintenance_status: true" ]

                    let path =
                        stage.Dir.Write("config.yml", plain + "\n" + String.Join("\n", shown) + "\n")

                    use! running = startOn path []

                    if version = FakeCachetVersion.V3 then
                        do! waitFor running "the component is under maintenance" (fun () -> statusOf cachet api.Id = 6)
                        Expect.isGreaterThan (target.Hits "/health") 0 "checks go on"
                        replace path plain

                        do!
                            waitFor running "the window gone, the status is put back" (fun () ->
                                statusOf cachet api.Id = 1)
                    else
                        do!
                            waitFor running "2.x has no status 6: a warning" (fun () ->
                                running.Output.Contains "maintenance_status: true on window \"deploy\" has no effect")

                        do! holds (seconds 1.0) running "the status is left alone" (quietOn cachet api.Id)
                }

            testTask
                "connectivity lost: failing targets write nothing and /readyz is 503; restored: one write per component" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                let other = cachet.AddComponent("web", 1)
                use uplink = forwarderTo (new Uri(target.Url "/")).Port
                let listen = freePort ()

                let yaml =
                    config
                        cachet.BaseUrl
                        token
                        [
                            endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents
                            endpointYaml "web" (target.Url "/web") other.Id statusAndIncidents
                        ]
                        [
                            "connectivity:"
                            $"  urls: [\"http://127.0.0.1:{uplink.Port}/uplink\"]"
                            "  frequency: 0.5"
                            "  timeout: 1"
                        ]

                let path = stage.Dir.Write("config.yml", yaml)
                uplink.Down()
                target.Set("/health", TargetBehaviour.WithStatus 503)
                target.Set("/web", TargetBehaviour.WithStatus 503)
                use! running = startOn path [ "--listen"; $"127.0.0.1:{listen}" ]

                do!
                    waitFor running "offline is logged" (fun () ->
                        running.Output.Contains "Offline: every connectivity URL failed")

                let http = new HttpClient(Timeout = seconds 10.0)
                let! (ready: HttpResponseMessage) = http.GetAsync $"http://127.0.0.1:{listen}/readyz"
                let! reason = ready.Content.ReadAsStringAsync()
                Expect.equal (int ready.StatusCode) 503 "/readyz is 503 while offline"
                Expect.stringContains reason "offline" "/readyz says why"
                let! metrics = http.GetStringAsync $"http://127.0.0.1:{listen}/metrics"
                Expect.stringContains metrics "cachet_monitor_offline 1" "the gauge shows it"

                do!
                    holds (seconds 2.0) running "nothing is written while offline" (fun () ->
                        quietOn cachet api.Id () && quietOn cachet other.Id ())

                cachet.ClearRequests()
                uplink.Up()
                do! waitFor running "back online is logged" (fun () -> running.Output.Contains "Online again")

                do!
                    waitFor running "each component gets its incident" (fun () ->
                        (openIncidents cachet api.Id).Length = 1
                        && (openIncidents cachet other.Id).Length = 1)

                do! Task.Delay 1000
                let incidentWrites = requestsTo cachet "POST" "/incidents"
                Expect.equal incidentWrites.Length 2 "one incident write per component, no burst"

                let! (readyAgain: HttpResponseMessage) =
                    http.GetAsync $"http://127.0.0.1:{listen}/readyz"

                Expect.equal (int readyAgain.StatusCode) 200 "/readyz is 200 again"
                http.Dispose()
            }
        ]
