/// The Cachet 3 rate budget: the token bucket on a manual clock, and the daemon with 50 endpoints pushing metrics every
/// second against a 3.x fake that enforces Cachet's 300 a minute.
module CachetMonitor.Tests.Host.RateBudgetTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support

/// A clock that moves only when told, with timers that fire when it passes their time.
type private ManualClock(start: DateTimeOffset) =
    inherit TimeProvider()
    let gate = obj ()
    let mutable now = start

    let timers =
        Collections.Generic.List<DateTimeOffset * TimerCallback * (obj | null)>()

    member _.Advance(by: TimeSpan) =
        let due =
            lock gate (fun () ->
                now <- now + by
                let fired = timers |> Seq.filter (fun (at, _, _) -> at <= now) |> List.ofSeq
                timers.RemoveAll(fun (at, _, _) -> at <= now) |> ignore
                fired)

        for _, callback, state in due do
            callback.Invoke state

    override _.GetUtcNow() = lock gate (fun () -> now)

    // The budget measures time on the monotonic clock: this one moves with it.
    override _.GetTimestamp() = lock gate (fun () -> now.UtcTicks)

    override _.TimestampFrequency = TimeSpan.TicksPerSecond

    override _.CreateTimer(callback, state, dueTime, _) =
        lock gate (fun () -> timers.Add((now + dueTime, callback, state)))

        { new ITimer with
            member _.Change(_, _) = true
            member _.Dispose() = ()
            member _.DisposeAsync() = ValueTask.CompletedTask
        }

/// Whether a task completes within a second of real time (its wake-up is already due: only scheduling is left).
let private completes (t: Task) = t.Wait(TimeSpan.FromSeconds 1.0)

let private bucket =
    [
        test "inactive, the budget never waits" {
            let budget = CachetRateBudget(8, ManualClock(DateTimeOffset.UnixEpoch))

            for _ in 1..100 do
                Expect.isTrue (budget.TakeAsync(true, CancellationToken.None).IsCompleted) "no wait"
        }

        test
            "metric points wait once only the reserve is left; incident and status calls still go, then wait for the refill" {
            let clock = ManualClock(DateTimeOffset.UnixEpoch)
            let budget = CachetRateBudget(64, clock)
            budget.Activate()
            Expect.equal (budget.Capacity, budget.Reserve) (16, 4) "a quarter of a minute, a sixteenth in reserve"

            for n in 1..12 do
                Expect.isTrue (budget.TakeAsync(true, CancellationToken.None).IsCompleted) $"point {n} goes at once"

            let point = budget.TakeAsync(true, CancellationToken.None)
            Expect.isFalse point.IsCompleted "the 13th point would eat into the reserve"
            Expect.isTrue budget.Short "short: points are being held back"

            for n in 1..4 do
                Expect.isTrue
                    (budget.TakeAsync(false, CancellationToken.None).IsCompleted)
                    $"essential call {n} uses the reserve"

            let essential = budget.TakeAsync(false, CancellationToken.None)
            Expect.isFalse essential.IsCompleted "the bucket is empty"
            clock.Advance(TimeSpan.FromSeconds(60.0 / 64.0))
            Expect.isTrue (completes essential) "one token later the essential call goes"
            Expect.isFalse point.IsCompleted "the point still waits for the reserve to refill"
            clock.Advance(TimeSpan.FromSeconds 10.0)
            Expect.isTrue (completes point) "then the point goes"
        }

        test "the plan warns when the metrics cannot fit, with the arithmetic" {
            let yaml =
                config
                    "http://127.0.0.1:9/api"
                    "t"
                    [
                        for i in 1..50 ->
                            endpointYaml
                                $"e{i}"
                                "http://127.0.0.1:9/"
                                i
                                (statusExpectation
                                 @ [ "frequency: 1"; "action: [PUSH_METRICS]"; $"metric_id: {i}" ])
                    ]
                    []

            let parsed =
                CachetMonitor.Domain.HostInterop.ParseConfig(yaml, (fun _ -> null), TestTimeZones.func)

            let valid, config = parsed.TryGetConfig()
            Expect.isTrue valid $"%A{parsed.Errors}"
            let endpoints = config.Endpoints |> Array.ofList
            Expect.equal (RateBudgetPlan.PointsPerMinute endpoints) 3000.0 "50 endpoints × 60 points a minute"
            let warning = RateBudgetPlan.Warning(endpoints, 240) |> nonNull
            Expect.stringContains warning "3000 points a minute" "what is asked"
            Expect.stringContains warning "more than the 225 a minute" "what is left for points"
            Expect.stringContains warning "one point every 13.3 s per metric" "what each metric gets"
            Expect.isNull (RateBudgetPlan.Warning(endpoints[..2], 240)) "3 endpoints fit"
        }
    ]

let private daemon =
    testTask
        "50 endpoints with metrics every second stay under Cachet 3's 300 a minute, and an outage's incident is on time" {
        let token = "budget-token-0050"
        let! (stage: Stage) = Stage.StartAsync(token, FakeCachetVersion.V3)
        use _ = stage
        let cachet, target = stage.Cachet, stage.Target
        cachet.RateLimitPerMinute <- 300

        let endpoints =
            [
                for i in 1..50 ->
                    let c =
                        if i = 1 then
                            stage.Api
                        else
                            cachet.AddComponent($"svc{i}", 1)

                    let m = cachet.AddMetric($"latency {i}", threshold = 0)

                    endpointYaml
                        $"svc{i}"
                        (target.Url $"/svc{i}")
                        c.Id
                        (statusExpectation
                         @ [
                             "frequency: 1"
                             "action: [PUSH_METRICS, UPDATE_STATUS, CREATE_INCIDENT]"
                             $"metric_id: {m.Id}"
                         ])
            ]

        let path = stage.Dir.Write("config.yml", config cachet.BaseUrl token endpoints [])
        IO.File.SetUnixFileMode(path, IO.UnixFileMode.UserRead ||| IO.UnixFileMode.UserWrite)
        use running = start [ "run"; path; "--log-level"; "Debug" ] []

        do!
            waitUpTo (seconds 60.0) running "start-up reads done" (fun () ->
                running.Output.Contains "Start-up reads done")

        Expect.stringContains running.Output "Cachet API detected: Cachet 3.x" "the version is logged"
        Expect.stringContains running.Output "ask for about 3000 points a minute" "the start-up warning"
        target.Set("/svc1", TargetBehaviour.WithStatus 503)
        let outage = Diagnostics.Stopwatch.StartNew()
        do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet stage.Api.Id).IsEmpty)
        let took = outage.Elapsed
        do! waitFor running "the status is written" (fun () -> statusOf cachet stage.Api.Id = 3)
        Expect.isLessThan took (seconds 5.0) "the incident did not wait behind metric points"
        do! Task.Delay(seconds 5.0)
        let! _ = stopWith SIGTERM (seconds 5.0) running
        let requests = cachet.Requests
        let span = requests[requests.Count - 1].Time - requests[0].Time
        let allowed = 300.0 + 240.0 * span.TotalMinutes

        Expect.isLessThanOrEqual
            (float requests.Count)
            allowed
            $"at most 300 in the first minute and 240 a minute after ({span})"

        let pushed =
            requests
            |> Seq.filter (fun r -> r.Method = "POST" && r.Path.EndsWith "/points")
            |> Seq.length

        let checks = [ 1..50 ] |> List.sumBy (fun i -> target.Hits $"/svc{i}")
        Expect.isGreaterThan pushed 0 "points were pushed"
        Expect.isLessThan pushed (checks / 2) "most checks' points were averaged into fewer points"
        Expect.isFalse (running.Output.Contains "rate limiting") "Cachet never answered 429"
    }

let private coalescedOnMetrics =
    testTask "points averaged while the budget is short are counted in /metrics" {
        let counters = CachetMonitor.Host.Cachet.Sync.SyncCounters()

        let metrics =
            CachetMonitor.Host.Observability.MonitorMetrics(
                Lazy<CachetMonitor.Host.Scheduling.MonitorSet>(fun () -> CachetMonitor.Host.Scheduling.MonitorSet []),
                Lazy<CachetMonitor.Host.Cachet.Sync.ComponentSet>(fun () ->
                    CachetMonitor.Host.Cachet.Sync.ComponentSet []),
                CachetMonitor.Host.Scheduling.CheckStatistics(),
                counters,
                null,
                null
            )

        let export () =
            task {
                use stream = new IO.MemoryStream()
                do! metrics.Registry.CollectAndExportAsTextAsync stream
                return Text.Encoding.UTF8.GetString(stream.ToArray())
            }

        counters.MetricPointsCoalesced 3
        let! first = export ()
        Expect.stringContains first "\ncachet_monitor_metric_points_coalesced_total 3" "three"
        counters.MetricPointsCoalesced 2
        let! second = export ()
        Expect.stringContains second "\ncachet_monitor_metric_points_coalesced_total 5" "counted on"
    }

[<Tests>]
let tests =
    testList "cachet 3 rate budget" [ testList "bucket" bucket; coalescedOnMetrics; testSequenced daemon ]
