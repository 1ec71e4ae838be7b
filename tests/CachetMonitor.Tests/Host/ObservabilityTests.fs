/// The `--listen` endpoints of the real executable: /healthz, /readyz and /metrics.
module CachetMonitor.Tests.Host.ObservabilityTests

open System
open System.Net.Http
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Host.Observability
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support

let private seconds (s: float) = TimeSpan.FromSeconds s

let private configFor (apiUrl: string) (url: string) =
    ScenarioSupport.config
        apiUrl
        "observability-token-1234"
        [
            ScenarioSupport.endpointYaml "api" url 1 (ScenarioSupport.statusExpectation @ [ "action: [UPDATE_STATUS]" ])
        ]
        []

/// One client for the whole list (the listener is on loopback).
let private client = new HttpClient(Timeout = TimeSpan.FromSeconds 5.0)

let private get (url: string) : Threading.Tasks.Task<int * string * string> =
    task {
        try
            use! response = client.GetAsync(url)
            let! body = response.Content.ReadAsStringAsync()
            return int response.StatusCode, body, string response.Content.Headers.ContentType
        with :? HttpRequestException ->
            return 0, "", ""
    }

/// The sum of a metric's series in a Prometheus text scrape (0 when it is absent).
let private sumOf (name: string) (scrape: string) =
    scrape.Split '\n'
    |> Array.filter (fun line -> line.StartsWith(name + " ") || line.StartsWith(name + "{"))
    |> Array.sumBy (fun line -> float (line.Substring(line.LastIndexOf ' ' + 1)))

[<Tests>]
let tests =
    testSequenced
    <| testList
        "observability"
        [
            testTask "with stdout and stderr on pipes nobody reads, checks go on and the dropped log lines are counted" {
                use dir = new TempDir()
                let port = freePort ()
                let closed = freePort ()

                // Ten endpoints every 20 ms on a closed loopback port, at Trace: each check logs a line of about
                // 170 bytes, so the 64 KiB pipe is full within a second or two and the log queue soon after.
                let endpoints =
                    [
                        for i in 1..10 ->
                            ScenarioSupport.endpointYaml
                                $"flood-{i}"
                                $"http://127.0.0.1:{closed}/flood/{i}"
                                i
                                (ScenarioSupport.statusExpectation
                                 @ [ "frequency: 0.02"; "action: [UPDATE_STATUS]" ])
                    ]

                let path =
                    dir.Write(
                        "config.yml",
                        ScenarioSupport.config "http://127.0.0.1:9/api/v1" "observability-token-1234" endpoints []
                    )

                use running =
                    startUnread
                        [
                            "run"
                            path
                            "--dry-run"
                            "--listen"
                            $"127.0.0.1:{port}"
                            "--log-level"
                            "Trace"
                        ]
                        []

                let metric name =
                    let _, (scrape: string), _ = (get $"http://127.0.0.1:{port}/metrics").Result
                    sumOf name scrape

                // Each check logs a line of 100 bytes or more: past this many checks, the pipe and the log queue
                // would both be full twice over, and a blocking logger would have stopped the checks long before.
                let pastBuffers = 2 * (65536 / 100 + LogQueue.DefaultCapacity)

                let! past =
                    eventually (seconds 90.0) (fun () -> metric "cachet_monitor_checks_total" >= float pastBuffers)

                Expect.isTrue past $"{pastBuffers} checks are made while nothing reads the output"

                Expect.isGreaterThan
                    (metric "cachet_monitor_log_lines_dropped_total")
                    0.0
                    "the lines that did not fit are dropped and counted"

                let checks = metric "cachet_monitor_checks_total"

                let! goingOn =
                    eventually (seconds 15.0) (fun () -> metric "cachet_monitor_checks_total" >= checks + 200.0)

                Expect.isTrue goingOn "and checks go on"
                let clock = Diagnostics.Stopwatch.StartNew()
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 15.0)
                Expect.equal code (Some 0) "SIGTERM still ends it with exit 0"
                Expect.isLessThan clock.Elapsed (seconds 5.0) "promptly: the unwritten lines are given up"
            }

            testTask "healthz, readyz and Prometheus metrics are served on the --listen address" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let port = freePort ()

                let path =
                    dir.Write("config.yml", configFor "http://127.0.0.1:9/api/v1" (target.Url "/ok"))

                use running = start [ "run"; path; "--dry-run"; "--listen"; $"127.0.0.1:{port}" ] []
                let root = $"http://127.0.0.1:{port}"

                // The series exist (at 0) from the start: wait for a passed check and the status it sets (counted
                // a moment before the component applies it), not just for the listener.
                let! up =
                    eventually (seconds 15.0) (fun () ->
                        let _, (body: string), _ = (get $"{root}/metrics").Result

                        sumOf "cachet_monitor_checks_total{endpoint=\"api\",result=\"pass\"}" body
                        >= 1.0
                        && body.Contains "cachet_monitor_component_status{endpoint=\"api\",component_id=\"1\"} 1")

                Expect.isTrue up $"a passed check is counted and shown\n{running.Output}"
                let! (health: int * string * string) = get $"{root}/healthz"
                let healthCode, healthBody, _ = health
                Expect.equal (healthCode, healthBody.Trim()) (200, "healthy") "healthy"
                let! readyCode, _, _ = get $"{root}/readyz"
                Expect.equal readyCode 200 "a dry run is ready at once"
                let! (scraped: int * string * string) = get $"{root}/metrics"
                let _, metrics, contentType = scraped
                Expect.stringStarts contentType "text/plain" "Prometheus text format"

                for name in
                    [
                        "cachet_monitor_check_latency_seconds_bucket"
                        "cachet_monitor_component_status{endpoint=\"api\",component_id=\"1\"} 1"
                        "cachet_monitor_pending_cachet_writes"
                        "cachet_monitor_skipped_slots_total"
                        "cachet_monitor_log_lines_dropped_total 0"
                    ] do
                    Expect.stringContains metrics name $"exposes {name}"

                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }

            testTask "readyz answers 503 until the Cachet start-up reads succeed, and Cachet calls are counted" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let! (cachet: FakeCachet) = FakeCachet.StartAsync()
                use _ = cachet
                cachet.AddToken "observability-token-1234"
                cachet.AddComponent("api", 1) |> ignore
                cachet.FailUntilCleared(CachetFault.Status 503, "GET")
                let port = freePort ()
                let path = dir.Write("config.yml", configFor cachet.BaseUrl (target.Url "/ok"))
                use running = start [ "run"; path; "--listen"; $"127.0.0.1:{port}" ] []
                let root = $"http://127.0.0.1:{port}"

                let! listening =
                    eventually (seconds 15.0) (fun () -> (get $"{root}/healthz").Result |> fun (c, _, _) -> c = 200)

                Expect.isTrue listening $"listening\n{running.Output}"
                let! notReady, _, _ = get $"{root}/readyz"
                Expect.equal notReady 503 "not ready while Cachet fails"
                // The listener can be up before the first read fails: wait until a failure is counted.
                let failedRead =
                    "cachet_monitor_cachet_calls_total{operation=\"get_component\",outcome=\"servererror\"}"

                let! failureCounted =
                    eventually (seconds 20.0) (fun () ->
                        let _, (body: string), _ = (get $"{root}/metrics").Result
                        body.Contains failedRead)

                Expect.isTrue failureCounted $"failed calls counted by kind\n{running.Output}"
                cachet.ClearFaults()

                let! ready =
                    eventually (seconds 20.0) (fun () -> (get $"{root}/readyz").Result |> fun (c, _, _) -> c = 200)

                Expect.isTrue ready $"ready once the reads succeed\n{running.Output}"
                let! (scraped: int * string * string) = get $"{root}/metrics"
                let _, metrics, _ = scraped

                Expect.stringContains metrics failedRead "failed calls stay counted"

                Expect.stringContains
                    metrics
                    "cachet_monitor_cachet_calls_total{operation=\"get_component\",outcome=\"ok\"}"
                    "successful calls counted"

                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }
        ]
