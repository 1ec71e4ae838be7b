/// Value metrics end to end (`metric_value`, issue #13 item 7): the real executable reads a number from a target on
/// 127.0.0.1 and the fake Cachet receives that number as the metric point, never the latency; a body without the
/// number pushes nothing and is counted in /metrics; `check --json` shows what was read.
module CachetMonitor.Tests.Host.MetricValueScenarios

open System
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support.MonitorProcess

/// The fake Cachet's token in these scenarios (never in the output).
let private token = "values-secret-token-1618"

/// Every point the fake holds for the metric, and how many pushes it counted (equal values merge into one point).
let private pointsOf (cachet: FakeCachet) (metricId: int) =
    let points =
        cachet.MetricPoints |> Seq.filter (fun p -> p.MetricId = metricId) |> List.ofSeq

    points |> List.map _.Value |> List.distinct, points |> List.sumBy _.Counter

/// A config whose one endpoint "api" reads `/stats` of the target, keeps its status and pushes `metricId`.
let private configOf (stage: Stage) (metricId: int) (valueLine: string) =
    config
        stage.Cachet.BaseUrl
        token
        [
            endpointYaml
                "api"
                (stage.Target.Url "/stats")
                stage.Api.Id
                (statusExpectation
                 @ [ "action: [UPDATE_STATUS, PUSH_METRICS]"; $"metric_id: {metricId}"; valueLine ])
        ]
        []

let private failuresLine =
    "cachet_monitor_metric_value_failures_total{endpoint=\"api\"} "

/// One client for the list's scrapes (the listener is on loopback).
let private client = new Net.Http.HttpClient(Timeout = TimeSpan.FromSeconds 5.0)

/// The failure counter of endpoint "api" in a scrape of /metrics (-1 while it cannot be read).
let private failuresIn (root: string) =
    try
        let scrape = client.GetStringAsync($"{root}/metrics").Result

        scrape.Split '\n'
        |> Array.tryFind (fun line -> line.StartsWith failuresLine)
        |> Option.map (fun line -> float (line.Substring failuresLine.Length))
        |> Option.defaultValue -1.0
    with :? AggregateException ->
        -1.0

[<Tests>]
let tests =
    testList
        "metric value scenarios"
        [
            testTask
                "json: Cachet receives 42 as the point; a body that is not JSON pushes none, is counted and logged once" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let metric = stage.Cachet.AddMetric "queue depth"

                stage.Target.Set("/stats", TargetBehaviour.WithBody("""{"queue": {"depth": 42}}""", "application/json"))

                let path =
                    stage.Dir.Write("config.yml", configOf stage metric.Id "metric_value: {json: queue.depth}")

                let port = freePort ()
                use running = start [ "run"; path; "--listen"; $"127.0.0.1:{port}" ] []
                let root = $"http://127.0.0.1:{port}"

                do! waitFor running "points are pushed" (fun () -> snd (pointsOf stage.Cachet metric.Id) >= 2)
                Expect.equal (fst (pointsOf stage.Cachet metric.Id)) [ 42.0 ] "the value read, not the latency"
                do! waitFor running "the series is exposed at 0" (fun () -> failuresIn root = 0.0)

                stage.Target.Set("/stats", TargetBehaviour.WithBody("<html>busy</html>"))
                do! waitFor running "failures are counted" (fun () -> failuresIn root >= 3.0)

                // A check that pushed 0 or its latency in place of the value would show here as another value.
                Expect.equal (fst (pointsOf stage.Cachet metric.Id)) [ 42.0 ] "no other point was pushed"
                Expect.equal (statusOf stage.Cachet stage.Api.Id) 1 "the status is the expectations' business"

                let logged =
                    running.Output.Split('\n')
                    |> Array.filter (fun line -> line.Contains "the metric_value was not read")

                Expect.equal logged.Length 1 $"logged once while the reason stays the same\n{running.Output}"
                Expect.stringContains logged[0] "the body is not JSON" "says which"

                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) $"SIGTERM exits 0\n{running.Output}"
                Expect.isFalse (running.Output.Contains token) "the token never appears in the output"
            }

            testTask "regex against Cachet 3: the captured 17 is the point (coalescing keeps it as read)" {
                let! (stage: Stage) = Stage.StartAsync(token, FakeCachetVersion.V3)
                use _ = stage
                let metric = stage.Cachet.AddMetric "jobs"
                stage.Target.Set("/stats", TargetBehaviour.WithBody("queue depth=17 jobs\n", "text/plain"))

                let path =
                    stage.Dir.Write("config.yml", configOf stage metric.Id "metric_value: {regex: 'depth=(\\d+)'}")

                use running = start [ "run"; path ] []
                do! waitFor running "points are pushed" (fun () -> snd (pointsOf stage.Cachet metric.Id) >= 2)
                Expect.equal (fst (pointsOf stage.Cachet metric.Id)) [ 17.0 ] "the captured number"
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) $"SIGTERM exits 0\n{running.Output}"
            }

            testTask "check --json shows the value read, or why none was" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                use dir = new TempDir()
                target.Set("/json", TargetBehaviour.WithBody("""{"queue": {"depth": 42}}""", "application/json"))
                target.Set("/text", TargetBehaviour.WithBody("load=0.75", "text/plain"))
                target.Set("/html", TargetBehaviour.WithBody("<html>busy</html>"))

                let endpoint name path line =
                    endpointYaml
                        name
                        (target.Url path)
                        1
                        (statusExpectation @ [ "action: [PUSH_METRICS]"; "metric_id: 3"; line ])

                let yaml =
                    config
                        "http://127.0.0.1:1/api/v1"
                        token
                        [
                            endpoint "depth" "/json" "metric_value: {json: queue.depth}"
                            endpoint "load" "/text" "metric_value: {regex: 'load=(?<value>[0-9.]+)'}"
                            endpoint "busy" "/html" "metric_value: {json: queue.depth}"
                        ]
                        []

                let path = dir.Write("config.yml", yaml)

                let! (code: int), (output: string) =
                    run [ "check"; path; "--json" ] [] (seconds 30.0)

                Expect.equal code 0 $"every check passes: the value is no expectation\n{output}"
                let rows = checkRows output [ "metricValue"; "metricValueError" ]
                Expect.equal rows["depth"] [ "42"; "" ] "the JSON number"
                Expect.equal rows["load"] [ "0.75"; "" ] "the named group"

                match rows["busy"] with
                | [ value; error ] ->
                    Expect.equal value "" "no value"
                    Expect.stringContains error "the body is not JSON" "why"
                | other -> failtest $"%A{other}"

                let! (_: int), (table: string) = run [ "check"; path ] [] (seconds 30.0)
                Expect.stringContains table "metric value 42" "the table shows it"
            }
        ]
