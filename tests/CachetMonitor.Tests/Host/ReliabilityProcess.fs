/// The process: SIGTERM and SIGINT mid-check and mid-Cachet-write end it promptly with exit 0, the next start
/// adopts what was left open, and a second instance on the same config is allowed.
module CachetMonitor.Tests.Host.ReliabilityProcess

open System
open System.IO
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support

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

        testTask "a background service that crashes ends run with exit 1 and a critical line naming it" {
            // The trigger: the config's folder disappears (an unmounted volume) while the token is being fetched,
            // so the reloader cannot watch it once the daemon starts.
            use dir = new TempDir()
            let! (aws: TargetServer) = TargetServer.StartAsync()
            use _ = aws
            let release = TaskCompletionSource()

            let secret =
                """{"Name":"cachethq","SecretString":"{\"token\":\"crash-token-8d1f\"}"}"""

            aws.Set("/", TargetBehaviour.WithBody(secret, "application/x-amz-json-1.1", null).HeldUntil(release.Task))

            let yaml =
                configWith
                    $"http://127.0.0.1:{freePort ()}/api/v1"
                    [
                        "  token:"
                        "    - type: AWS_SECRETS_MANAGER"
                        "      secret_name: cachethq"
                        "      secret_key: token"
                        "      region: us-west-2"
                    ]
                    [ endpointYaml "api" $"http://127.0.0.1:{freePort ()}/" 1 statusExpectation ]
                    []

            let folder = Directory.CreateDirectory(Path.Combine(dir.Path, "config")).FullName
            let path = Path.Combine(folder, "config.yml")
            File.WriteAllText(path, yaml)

            let env =
                [
                    "AWS_ACCESS_KEY_ID", "AKIDCRASH"
                    "AWS_SECRET_ACCESS_KEY", "crash-aws-secret"
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.Url "/"
                ]

            use running = start [ "run"; path ] env
            do! waitFor running "the token request is held" (fun () -> aws.Hits "/" >= 1)
            Directory.Delete(folder, true)
            release.SetResult()
            let! code = running.WaitForExit(seconds 30.0)
            Expect.equal code (Some 1) $"a non-zero exit, for Restart=on-failure\n{running.Output}"

            Expect.stringContains
                running.Output
                "crit: CachetMonitor.Host.Cli.RunCommand[0] ConfigReloader crashed ("
                "a critical line names the service"

            Expect.stringContains running.Output "exiting with code 1" "and says what follows"
            Expect.isFalse (running.Output.Contains "crash-token-8d1f") "the token is not printed"
        }

        testTask
            "the first check after start is not charged with the monitor's own warm-up: timeout 0.05 against a fast target passes" {
            use dir = new TempDir()
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            // The target's own first answer (in this process) is not what is measured.
            do!
                task {
                    use client = new Net.Http.HttpClient()
                    let! _ = client.GetStringAsync(target.Url "/warm")
                    ()
                }

            let yaml =
                config
                    "http://127.0.0.1:9/api/v1"
                    token
                    [
                        endpointYaml
                            "fast"
                            (target.Url "/fast")
                            1
                            (statusExpectation
                             @ [
                                 "timeout: 0.05"
                                 "frequency: 30"
                                 "allowed_fails: 0"
                                 "action: [CREATE_INCIDENT, UPDATE_STATUS]"
                             ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)

            // Each start is a fresh process with a cold JIT: every one of them must pass its first check.
            for run in 1..3 do
                use running = start [ "run"; path; "--dry-run"; "--log-level"; "Debug" ] []

                let firstCheck () =
                    running.Output.Contains "fast: passed" || running.Output.Contains "fast: failed"

                do! waitFor running $"start {run}: the first check is done" firstCheck
                Expect.stringContains running.Output "fast: passed in" $"start {run}: the first check passes"
                Expect.isFalse (running.Output.Contains "timed out") $"start {run}: nothing timed out\n{running.Output}"
                Expect.isFalse (running.Output.Contains "/incidents") $"start {run}: no incident\n{running.Output}"

                Expect.equal
                    (target.Hits "/fast")
                    run
                    "one request to the endpoint per start: the warm-up sends it none"

                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()

            // `check` warms up the same way.
            for run in 1..2 do
                let! code, output = MonitorProcess.run [ "check"; path ] [] (seconds 30.0)
                Expect.equal code 0 $"check {run} passes\n{output}"
        }

        testTask "a --listen address already in use ends run with exit 1 and a clear line, not an abort" {
            use dir = new TempDir()
            let taken = new Net.Sockets.TcpListener(Net.IPAddress.Loopback, 0)
            taken.Start()
            let port = (taken.LocalEndpoint :?> Net.IPEndPoint).Port

            let yaml =
                config
                    "http://127.0.0.1:9/api/v1"
                    token
                    [ endpointYaml "api" "http://127.0.0.1:9/" 1 statusExpectation ]
                    []

            let! code, output =
                run
                    [
                        "run"
                        dir.Write("config.yml", yaml)
                        "--dry-run"
                        "--listen"
                        $"127.0.0.1:{port}"
                    ]
                    []
                    (seconds 30.0)

            taken.Stop()
            Expect.equal code 1 $"exit 1 (it was an abort, 134)\n{output}"

            Expect.stringContains
                output
                $"The daemon could not start (Failed to bind to address http://127.0.0.1:{port}: address already in use.)"
                "a critical line says why"

            // It used to come with two stack traces (~8 KB): the host's own error line and ours (issue 16, item 6).
            let lines =
                output.Trim().Split('\n')
                |> Array.filter (fun l -> not (l.StartsWith "warning:"))

            Expect.equal
                lines.Length
                1
                $"one line (besides the test config's permissions warning), no stack trace\n{output}"
        }
    ]

[<Tests>]
let tests =
    testSequencedGroup "reliability: process" (testList "reliability: process" scenarios)
