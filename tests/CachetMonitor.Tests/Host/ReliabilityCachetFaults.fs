/// Cachet misbehaving: refusing connections, rate limiting, answering slowly or with garbage, rejecting the token.
/// In every case monitoring goes on, nothing is lost, no incident is duplicated and the state converges.
module CachetMonitor.Tests.Host.ReliabilityCachetFaults

open System
open System.Threading.Tasks
open Microsoft.Extensions.Logging.Abstractions
open Expecto
open CachetMonitor.Tests.Support.ComponentHarness
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Scheduling
open CachetMonitor.Host.Webhooks
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private token = "cachet-faults-token-31d7"

let private incidentActions =
    statusExpectation @ [ "action: [CREATE_INCIDENT, UPDATE_STATUS]" ]

/// How many output lines contain `text`.
let private linesWith (running: Running) (text: string) =
    running.Output.Split '\n'
    |> Array.filter (fun l -> l.Contains text)
    |> Array.length

/// The gaps between consecutive hits of a target path, in seconds.
let private hitGaps (target: TargetServer) (path: string) (since: DateTimeOffset) =
    target.HitLog path
    |> Seq.filter (fun h -> h.Time >= since)
    |> Seq.map (fun h -> h.Time)
    |> Seq.pairwise
    |> Seq.map (fun (a, b) -> (b - a).TotalSeconds)
    |> List.ofSeq

/// Checks stayed on their 0.2 s schedule: enough of them, and no gap much longer than the period.
let private expectOnSchedule (target: TargetServer) (path: string) (since: DateTimeOffset) (running: Running) =
    let gaps = hitGaps target path since
    let window = (DateTimeOffset.UtcNow - since).TotalSeconds
    Expect.isGreaterThanOrEqual (float gaps.Length) (window / 0.2 * 0.6) $"checks kept coming: %A{gaps}"
    Expect.isLessThan (List.max gaps) 0.6 $"no check was held up: %A{gaps}\n{running.Output}"

/// Starts the daemon on one endpoint (target `/health`, component `componentId`) with the API at `apiUrl`; waits
/// for the start-up reads.
let private startDaemon (dir: TempDir) (apiUrl: string) (target: TargetServer) componentId =
    task {
        let yaml =
            config apiUrl token [ endpointYaml "api" (target.Url "/health") componentId incidentActions ] []

        let path = dir.Write("config.yml", yaml)
        let running = start [ "run"; path; "--log-level"; "Debug" ] []
        do! waitFor running "start-up reads done" (fun () -> running.Output.Contains "Start-up reads done")
        return running
    }

/// Expects exactly one incident for the component, in the given state, and the component status.
let private expectConverged (cachet: FakeCachet) componentId incidentStatus componentStatus (running: Running) =
    task {
        do!
            waitFor running $"the incident reaches status {incidentStatus}, the component {componentStatus}" (fun () ->
                match incidentsOf cachet componentId with
                | [ only ] -> only.Status = incidentStatus && statusOf cachet componentId = componentStatus
                | _ -> false)

        do! Task.Delay 500
        Expect.equal (incidentsOf cachet componentId).Length 1 $"exactly one incident\n{running.Output}"
    }

let private processScenarios =
    [
        testTask
            "Cachet refusing connections during an outage and during the recovery: one incident, opened then resolved once it is back" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            use forwarder = forwarderTo cachet.Port
            let apiUrl = $"http://127.0.0.1:{forwarder.Port}/api/v1"
            let! running = startDaemon dir apiUrl target api.Id
            use _ = running

            forwarder.Down()
            let downSince = DateTimeOffset.UtcNow
            target.Set("/health", TargetBehaviour.WithStatus 503)

            do!
                waitFor running "the open is retried against a refusing Cachet" (fun () ->
                    linesWith running "Cachet write failed" >= 1)

            do! Task.Delay 1000
            Expect.isEmpty (incidentsOf cachet api.Id) "nothing could be stored"
            expectOnSchedule target "/health" downSince running
            forwarder.Up()
            do! expectConverged cachet api.Id 1 3 running

            let failedBefore = linesWith running "Cachet write failed"
            forwarder.Down()
            target.Set("/health", TargetBehaviour.Ok())

            do!
                waitFor running "the resolve is retried against a refusing Cachet" (fun () ->
                    linesWith running "Cachet write failed" >= failedBefore + 1)

            Expect.equal (incidentsOf cachet api.Id |> List.exactlyOne).Status 1 "still open while Cachet is away"
            forwarder.Up()
            do! expectConverged cachet api.Id 4 1 running
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "429 with Retry-After: every retry waits at least as long as asked, then the incident opens once" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            let! running = startDaemon dir cachet.BaseUrl target api.Id
            use _ = running
            let limitedSince = DateTimeOffset.UtcNow
            cachet.FailUntilCleared(CachetFault.RateLimited "2")
            target.Set("/health", TargetBehaviour.WithStatus 503)
            do! Task.Delay 4500
            cachet.ClearFaults()

            let limited =
                cachet.Requests |> Seq.filter (fun r -> r.Time >= limitedSince) |> List.ofSeq

            Expect.isGreaterThanOrEqual limited.Length 2 "Cachet was asked again after the first 429"
            Expect.isLessThanOrEqual limited.Length 3 $"no hammering: %A{limited}"

            let gaps =
                limited
                |> List.pairwise
                |> List.map (fun (a, b) -> (b.Time - a.Time).TotalSeconds)

            for gap in gaps do
                Expect.isGreaterThanOrEqual gap 1.9 $"Retry-After: 2 was honoured: %A{gaps}"

            do! expectConverged cachet api.Id 1 3 running
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "Cachet answering slowly: probes stay on schedule, and the writes land once, late" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            let! running = startDaemon dir cachet.BaseUrl target api.Id
            use _ = running
            cachet.FailUntilCleared(CachetFault.Delayed(seconds 2.5))
            let slowSince = DateTimeOffset.UtcNow
            target.Set("/health", TargetBehaviour.WithStatus 503)
            do! waitFor running "a write is under way" (fun () -> not (requestsTo cachet "POST" "/incidents").IsEmpty)
            do! Task.Delay 1500
            expectOnSchedule target "/health" slowSince running
            do! expectConverged cachet api.Id 1 3 running
            cachet.ClearFaults()
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "malformed or unexpectedly shaped answers are retried: start-up adopts, the incident opens once" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            cachet.FailNext(CachetFault.Raw(200, "{\"data\":{\"id\":\"seven\"}}", "application/json"), 1, "GET")
            let! running = startDaemon dir cachet.BaseUrl target api.Id
            use _ = running

            cachet.FailNext(CachetFault.Raw(200, "<html>proxy page</html>", "text/html"), 1, "POST", "/incidents")
            target.Set("/health", TargetBehaviour.WithStatus 503)
            do! expectConverged cachet api.Id 1 3 running
            Expect.stringContains running.Output "unexpected shape" "the wrongly shaped start-up answer was noticed"
            Expect.stringContains running.Output "without a JSON data object" "the HTML answer to the open was noticed"
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "a token rejected mid-run logs a loud error, checks go on, and writes resume once it is accepted again" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            let! running = startDaemon dir cachet.BaseUrl target api.Id
            use _ = running
            cachet.RemoveToken token
            let rejectedSince = DateTimeOffset.UtcNow
            target.Set("/health", TargetBehaviour.WithStatus 503)

            do!
                waitFor running "a loud error about the token" (fun () ->
                    running.Output.Split '\n'
                    |> Array.exists (fun l -> l.Contains "fail:" && l.Contains "rejected the API token"))

            do! Task.Delay 1000
            expectOnSchedule target "/health" rejectedSince running
            Expect.isEmpty (incidentsOf cachet api.Id) "nothing written without a valid token"
            cachet.AddToken token
            do! expectConverged cachet api.Id 1 3 running
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }
    ]

/// One endpoint's monitor and sync wired by hand, writing through `client` with quick retries.
let private monitorOver (client: ICachetApi) (endpoint: Endpoint) =
    let options =
        CachetWriteOptions(
            InitialBackoff = TimeSpan.FromMilliseconds 50.0,
            MaxBackoff = TimeSpan.FromMilliseconds 200.0
        )

    let gate = new CachetWriteGate(options)

    monitorWith client options gate NullLogger.Instance endpoint, gate

let private classScenarios =
    [
        testTask "Cachet slower than the client's time-out: each timed-out write is retried and one incident results" {
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet
            cachet.AddToken token
            let api = cachet.AddComponent("api", 1)
            cachet.FailNext(CachetFault.Delayed(seconds 1.0), 3)
            let http = new Net.Http.HttpClient(Timeout = TimeSpan.FromMilliseconds 300.0)
            let client = CachetClient(http, cachet.BaseUrl, token)

            let endpoint =
                ProbeTests.endpointFor "http://127.0.0.1:1/" [ "action: [CREATE_INCIDENT, UPDATE_STATUS]" ]
                |> fun e -> { e with ComponentId = api.Id }

            let monitor, gate = monitorOver client endpoint
            adopt monitor (ComponentStatus.Operational) (Nullable())

            let failed =
                Failed
                    {
                        Severity = Severity.Partial
                        Message = "Unexpected HTTP status (503)"
                        LatencySeconds = Some 0.01
                        ResponseStatus = None
                        CertificateDaysLeft = None
                    }

            monitor.OnVerdict(failed, DateTimeOffset.UtcNow.ToUnixTimeSeconds())

            let! converged =
                eventually (seconds 10.0) (fun () ->
                    monitor.Component.Pending = 0
                    && (incidentsOf cachet api.Id).Length = 1
                    && statusOf cachet api.Id = 3)

            Expect.isTrue converged $"converged: %A{cachet.Requests |> Seq.map (fun r -> r.Method, r.Path)}"
            Expect.isGreaterThanOrEqual cachet.Requests.Count 4 "the timed-out calls were retried"
            Expect.equal (incidentsOf cachet api.Id).Length 1 "exactly one incident"
            gate.Stop()
            gate.Dispose()
            http.Dispose()
        }
    ]

[<Tests>]
let tests =
    testList
        "reliability: cachet faults"
        [
            testSequencedGroup "reliability: cachet faults" (testList "daemon" processScenarios)
            testList "host classes" classScenarios
        ]
