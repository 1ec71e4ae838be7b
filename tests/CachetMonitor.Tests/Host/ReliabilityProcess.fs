/// The process: SIGTERM and SIGINT mid-check and mid-Cachet-write end it promptly with exit 0, the next start
/// adopts what was left open, and a second instance on the same config is allowed.
module CachetMonitor.Tests.Host.ReliabilityProcess

open System
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Host.MonitorProcess
open CachetMonitor.Tests.Host.ScenarioSupport

let private token = "process-token-6b0e2d"

let private scenarios =
    [
        testTask "SIGTERM while a check hangs on its target exits 0 within 5 s" {
            use dir = new TempDir()
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/hang", TargetBehaviour.Hanging())

            let yaml =
                config
                    "http://127.0.0.1:1/api/v1"
                    token
                    [
                        endpointYaml "api" (target.Url "/hang") 1 (statusExpectation @ [ "timeout: 60" ])
                    ]
                    []

            use running = start [ "run"; dir.Write("config.yml", yaml); "--dry-run" ] []
            do! waitFor running "a check is in flight" (fun () -> target.Hits "/hang" >= 1)
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "SIGTERM while the token is still being fetched from AWS exits 0 within 5 s" {
            use dir = new TempDir()
            let! (aws: TargetServer) = TargetServer.StartAsync()
            use _ = aws
            aws.Set("/", TargetBehaviour.Hanging())

            let yaml =
                configWith
                    "http://127.0.0.1:1/api/v1"
                    [
                        "  token:"
                        "    - type: AWS_SECRETS_MANAGER"
                        "      secret_name: cachethq"
                        "      secret_key: token"
                        "      region: us-west-2"
                    ]
                    [ endpointYaml "api" "http://127.0.0.1:9/" 1 statusExpectation ]
                    []

            let env =
                [
                    "AWS_ACCESS_KEY_ID", "AKIDPROCESS"
                    "AWS_SECRET_ACCESS_KEY", "process-aws-secret"
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.Url "/"
                ]

            use running = start [ "run"; dir.Write("config.yml", yaml) ] env
            do! waitFor running "the token request is in flight" (fun () -> aws.Hits "/" >= 1)
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }

        testTask "SIGINT while a Cachet write hangs exits 0 within 5 s, and the next start adopts the open incident" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            let latency = cachet.AddMetric "latency"
            target.Set("/health", TargetBehaviour.WithStatus 503)

            let yaml =
                config
                    cachet.BaseUrl
                    token
                    [
                        endpointYaml
                            "api"
                            (target.Url "/health")
                            api.Id
                            (statusExpectation
                             @ [
                                 $"metric_id: {latency.Id}"
                                 "action: [CREATE_INCIDENT, UPDATE_STATUS, PUSH_METRICS]"
                             ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)
            use first = start [ "run"; path ] []
            do! waitFor first "the incident opens" (fun () -> (incidentsOf cachet api.Id).Length = 1)
            let opened = incidentsOf cachet api.Id |> List.exactlyOne
            cachet.FailUntilCleared(CachetFault.Delayed(seconds 60.0), "POST", "/metrics")
            let hungSince = DateTimeOffset.UtcNow

            do!
                waitFor first "a metric write hangs" (fun () ->
                    requestsTo cachet "POST" "/metrics"
                    |> List.exists (fun r -> r.Time >= hungSince))

            let! _ = stopWith SIGINT (seconds 5.0) first
            cachet.ClearFaults()

            use second = start [ "run"; path; "--log-level"; "Debug" ] []

            do!
                waitFor second "the open incident is adopted" (fun () ->
                    second.Output.Contains $"open incident {opened.Id}")

            do! Task.Delay 1000
            Expect.equal (incidentsOf cachet api.Id).Length 1 $"no duplicate\n{second.Output}"
            target.Set("/health", TargetBehaviour.Ok())

            do!
                waitFor second "the adopted incident is resolved" (fun () ->
                    (cachet.Incident opened.Id |> nonNull).Status = 4 && statusOf cachet api.Id = 1)

            Expect.equal (incidentsOf cachet api.Id).Length 1 "still exactly one incident"
            let! _ = stopWith SIGTERM (seconds 5.0) second
            ()
        }

        testTask "a second instance on the same config is allowed: both start, monitor and stop cleanly" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

            let yaml =
                config
                    cachet.BaseUrl
                    token
                    [
                        endpointYaml
                            "api"
                            (target.Url "/health")
                            api.Id
                            (statusExpectation @ [ "action: [CREATE_INCIDENT, UPDATE_STATUS]" ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)
            use first = start [ "run"; path ] []
            use second = start [ "run"; path; "--log-level"; "Debug" ] []

            for running in [ first; second ] do
                do! waitFor running "start-up reads done" (fun () -> running.Output.Contains "Start-up reads done")

            let before = target.Hits "/health"
            do! Task.Delay 1000
            Expect.isGreaterThanOrEqual (target.Hits "/health" - before) 8 "both instances probe (2 × 5 per second)"

            for running in [ first; second ] do
                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
        }
    ]

[<Tests>]
let tests =
    testSequencedGroup "reliability: process" (testList "reliability: process" scenarios)
