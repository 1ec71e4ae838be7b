/// The `--listen` endpoints of the real executable: /healthz, /readyz and /metrics.
module CachetMonitor.Tests.Host.ObservabilityTests

open System
open System.Net.Http
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Host.MonitorProcess

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

[<Tests>]
let tests =
    testSequenced
    <| testList
        "observability"
        [
            testTask "healthz, readyz and Prometheus metrics are served on the --listen address" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let port = freePort ()

                let path =
                    dir.Write("config.yml", configFor "http://127.0.0.1:9/api/v1" (target.Url "/ok"))

                use running = start [ "run"; path; "--dry-run"; "--listen"; $"127.0.0.1:{port}" ] []
                let root = $"http://127.0.0.1:{port}"

                let! up =
                    eventually (seconds 15.0) (fun () ->
                        let _, (body: string), _ = (get $"{root}/metrics").Result
                        body.Contains "cachet_monitor_checks_total{endpoint=\"api\",result=\"pass\"} ")

                Expect.isTrue up $"checks are counted\n{running.Output}"
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
                cachet.ClearFaults()

                let! ready =
                    eventually (seconds 20.0) (fun () -> (get $"{root}/readyz").Result |> fun (c, _, _) -> c = 200)

                Expect.isTrue ready $"ready once the reads succeed\n{running.Output}"
                let! (scraped: int * string * string) = get $"{root}/metrics"
                let _, metrics, _ = scraped

                Expect.stringContains
                    metrics
                    "cachet_monitor_cachet_calls_total{operation=\"get_component\",outcome=\"servererror\"}"
                    "failed calls counted by kind"

                Expect.stringContains
                    metrics
                    "cachet_monitor_cachet_calls_total{operation=\"get_component\",outcome=\"ok\"}"
                    "successful calls counted"

                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }
        ]
