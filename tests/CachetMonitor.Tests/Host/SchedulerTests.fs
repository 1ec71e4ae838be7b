/// The check scheduler against scripted targets on 127.0.0.1, with the real prober; real time where the wire is
/// measured, a fake clock where slots must be counted exactly.
module CachetMonitor.Tests.Host.SchedulerTests

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.Tests.Support.ComponentHarness
open Microsoft.Extensions.Logging
open Microsoft.Extensions.Logging.Abstractions
open Microsoft.Extensions.Time.Testing
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Probing
open CachetMonitor.Host.Scheduling
open CachetMonitor.Host.Webhooks

/// Pieces shared with the reconciler tests.
module Harness =
    /// One entry a `RecordingLogger` received.
    type LogEntry =
        {
            Level: LogLevel
            Text: string
            Error: exn option
        }

    /// A logger that records every entry and throws from `Log` at `throwFrom` and above (`LogLevel.None`: never).
    type RecordingLogger<'T>(throwFrom: LogLevel) =
        let entries = ConcurrentQueue<LogEntry>()

        /// Everything logged so far, oldest first.
        member _.Entries = List.ofSeq entries

        interface ILogger with
            member _.BeginScope<'TState when 'TState: not null>(_state: 'TState) : IDisposable | null = null
            member _.IsEnabled _ = true

            member _.Log<'TState>
                (
                    level: LogLevel,
                    _eventId: EventId,
                    state: 'TState,
                    error: exn | null,
                    formatter: Func<'TState, exn | null, string>
                ) =
                entries.Enqueue
                    {
                        Level = level
                        Text = formatter.Invoke(state, error)
                        Error = Option.ofObj error
                    }

                if level >= throwFrom then
                    raise (InvalidOperationException "the logger failed on purpose")

        interface ILogger<'T>

    /// Polls `condition` every 10 ms for up to 5 s; fails the test naming `what` when it never holds.
    let waitFor (what: string) (condition: unit -> bool) =
        task {
            let clock = Stopwatch.StartNew()

            while not (condition ()) && clock.Elapsed < TimeSpan.FromSeconds 5.0 do
                do! Task.Delay 10

            Expect.isTrue (condition ()) $"timed out waiting until {what}"
        }

    /// A webhook sender with no webhooks (it starts no worker).
    let noWebhooks =
        new WebhookSender([||], new HttpClient(), NullLogger<WebhookSender>.Instance)

    /// An endpoint probing `url` (component 1, timeout 1 s, frequency 1 s, HTTP 200–300 expected) with `extra`
    /// YAML lines at the endpoint's indentation.
    let endpointAt (url: string) (extra: string list) = ProbeTests.endpointFor url extra

    /// A passing check's verdict.
    let passed: Verdict = Passed 0.05

    /// A failing check's verdict with that severity and a response (so it carries a latency).
    let failed severity : Verdict =
        Failed
            {
                Severity = severity
                Message = $"failed with {Severity.name severity}"
                LatencySeconds = Some 0.05
                ResponseStatus = None
                CertificateDaysLeft = None
            }

    /// A monitor for `endpoint` whose Cachet side is a dry run (nothing leaves the process).
    let dryRunMonitor (endpoint: Endpoint) (logger: ILogger) =
        let options = CachetWriteOptions()

        let monitor =
            monitorWith
                (DryRunCachet(NullLogger<DryRunCachet>.Instance))
                options
                (new CachetWriteGate(options))
                logger
                endpoint

        startUnknown monitor
        monitor

open Harness

/// A scheduler over one dry-run monitor per endpoint, with the real prober and its statistics.
type private Running
    (endpoints: Endpoint list, time: TimeProvider, monitorLogger: ILogger, logger: ILogger<CheckScheduler>) =
    let prober = new HttpProber(ProbeOptions())
    let statistics = CheckStatistics()

    let monitors =
        endpoints |> List.map (fun endpoint -> dryRunMonitor endpoint monitorLogger)

    let scheduler =
        new CheckScheduler(MonitorSet monitors, new Probers(prober), statistics, time, logger)

    member _.Statistics = statistics

    member _.Start() =
        scheduler.StartAsync CancellationToken.None

    member _.Stop() =
        scheduler.StopAsync CancellationToken.None

    interface IDisposable with
        member this.Dispose() =
            this.Stop().GetAwaiter().GetResult()
            scheduler.Dispose()
            prober.Dispose()

/// Starts a scheduler over `endpoints` with quiet loggers.
let private startOn (time: TimeProvider) (endpoints: Endpoint list) : Task<Running> =
    task {
        let running =
            new Running(endpoints, time, NullLogger.Instance, NullLogger<CheckScheduler>.Instance)

        do! running.Start()
        return running
    }

/// An endpoint on `path` of the target (UPDATE_STATUS) with the given frequency and timeout (seconds).
let private pacedEndpoint (target: TargetServer) (path: string) frequency timeout =
    { endpointAt (target.Url path) [ "action:"; "  - UPDATE_STATUS" ] with
        Name = path.TrimStart '/'
        FrequencySeconds = frequency
        TimeoutSeconds = timeout
    }

/// A test whose body is a task (`use` in it then takes any IDisposable).
let private test name (body: unit -> Task<unit>) = testTask name { do! body () }

/// Seconds between two instants.
let private secondsBetween (a: DateTimeOffset) (b: DateTimeOffset) = (b - a).TotalSeconds

let private fixedRate =
    test "checks start at start + k·period, the time a request takes does not accumulate" (fun () ->
        task {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            let period = 0.2
            // Each request takes 40 % of the period: a loop that waited a period after each check would drift by it.
            target.Set("/paced", TargetBehaviour.Delayed(TimeSpan.FromSeconds(period * 0.4)))
            // Warm the HTTP stack up first, so the first check is not late by the JIT's time.
            use warm = new HttpProber(ProbeOptions())

            let! _ =
                warm.ProbeAsync(pacedEndpoint target "/warm" period 2.0, CancellationToken.None)

            let! (running: Running) =
                startOn TimeProvider.System [ pacedEndpoint target "/paced" period 2.0 ]

            use _ = running
            do! waitFor "8 checks have started" (fun () -> target.Hits "/paced" >= 8)
            do! running.Stop()
            let starts = target.HitLog "/paced" |> Seq.take 8 |> Seq.map _.Time |> Array.ofSeq

            // Each start lies on the grid start + k·period (a slot may be skipped if the machine stalls), and
            // the slots are consecutive but for such a stall.
            let slots =
                [
                    for k in 1 .. starts.Length - 1 ->
                        let elapsed = secondsBetween starts[0] starts[k]
                        let slot = Math.Round(elapsed / period)
                        let off = elapsed - slot * period
                        Expect.isLessThan (abs off) (period * 0.3) $"check {k} starts {off:F3} s off slot {slot}"
                        int slot
                ]

            Expect.equal slots (List.sort (List.distinct slots)) "one check per slot"
            Expect.isLessThanOrEqual (List.last slots) starts.Length "hardly any slot skipped"
        })

let private spread =
    test "the first checks of several endpoints are spread over the first interval, not all at t=0" (fun () ->
        task {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            let clock = FakeTimeProvider(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero))
            let period = 40.0
            let paths = [ for i in 0..3 -> $"/spread{i}" ]

            let! (running: Running) =
                startOn clock [ for p in paths -> pacedEndpoint target p period 2.0 ]

            use _ = running
            let start = clock.GetUtcNow()
            do! waitFor "the first endpoint is checked at once" (fun () -> target.Hits paths[0] = 1)
            do! Task.Delay 150

            for p in paths.Tail do
                Expect.equal (target.Hits p) 0 $"{p} is not checked at t=0"

            // Step the clock through the interval and note when each endpoint is first checked.
            let firstSeen = Array.create paths.Length None
            firstSeen[0] <- Some 0.0

            while Array.exists Option.isNone firstSeen
                  && secondsBetween start (clock.GetUtcNow()) < period - 0.5 do
                clock.Advance(TimeSpan.FromSeconds 0.5)
                do! Task.Delay 10

                paths
                |> List.iteri (fun i p ->
                    if firstSeen[i].IsNone && target.Hits p > 0 then
                        firstSeen[i] <- Some(secondsBetween start (clock.GetUtcNow())))

            for i in 1 .. paths.Length - 1 do
                let slot = float i * period / float paths.Length

                match firstSeen[i] with
                | None -> failtest $"{paths[i]} was never checked in the first interval"
                | Some at ->
                    Expect.isGreaterThanOrEqual at slot $"{paths[i]} is not checked before its offset"
                    Expect.isLessThan at (slot + 3.0) $"{paths[i]} is checked near its offset {slot} s"

            Expect.equal (target.Hits paths[0]) 1 "the first endpoint waits a whole period"
        })

/// Runs endpoints (paths named `prefix`1..n) on the system clock and counts, over `ms` milliseconds once each has
/// been checked, the loop's sleeps and the checks made: (sleeps, checks, elapsed ms).
let private sleepsAndChecks (prefix: string) count frequency (ms: int) =
    task {
        let! (target: TargetServer) = TargetServer.StartAsync()
        use _ = target

        let endpoints =
            [ for i in 1..count -> pacedEndpoint target $"/{prefix}{i}" frequency 2.0 ]

        let! (running: Running) = startOn TimeProvider.System endpoints
        use _ = running
        do! waitFor "every endpoint has been checked once" (fun () -> running.Statistics.Checks >= int64 count)
        let clock = Stopwatch.StartNew()
        let waitsBefore = running.Statistics.Waits
        let checksBefore = running.Statistics.Checks
        do! Task.Delay ms
        let elapsedMs = clock.Elapsed.TotalMilliseconds
        let waits = running.Statistics.Waits - waitsBefore
        let checks = running.Statistics.Checks - checksBefore
        do! running.Stop()
        return waits, checks, elapsedMs
    }

let private noSpinning =
    test "with slots under a millisecond apart the loop sleeps between them instead of spinning" (fun () ->
        task {
            // 25 endpoints every 20 ms: a slot comes due every 0.8 ms, shorter than a timer tick. A loop that
            // asked for such short delays would get them back at once and spin (it did: a fifth of the CPU at
            // 10,000 endpoints went on reading the clock).
            let! waits, checks, elapsedMs = sleepsAndChecks "fast" 25 0.02 1000
            Expect.isGreaterThan checks 100L "the endpoints were being checked"
            // At most one sleep per minimum wait, with slack for the stopwatch's edges.
            Expect.isLessThanOrEqual
                (float waits)
                (elapsedMs / CheckScheduler.MinimumWait.TotalMilliseconds + 10.0)
                $"{waits} sleeps in {elapsedMs:F0} ms"
        })

let private batchedWakeUps =
    test "slots due within the dispatch window share one wake-up: fewer sleeps than checks" (fun () ->
        task {
            // 100 endpoints every 0.5 s: a slot every 5 ms. One wake-up per slot (a timer and a pool hand-off per
            // check) was most of the CPU per check at this rate; the 20 ms window dispatches about five together.
            let! waits, checks, _ = sleepsAndChecks "batched" 100 0.5 1500
            Expect.isGreaterThan checks 150L "the endpoints were being checked"
            Expect.isLessThanOrEqual (waits * 2L) checks $"{waits} sleeps for {checks} checks"
        })

/// A clock whose timers and monotonic timestamps are a fake clock's, and whose wall time can be stepped on its
/// own, as NTP, a resumed VM or an operator steps a real one.
type private SteppedWallClock(monotonic: FakeTimeProvider) =
    inherit TimeProvider()
    let mutable step = TimeSpan.Zero

    /// Moves the wall clock alone by `by` (negative: back).
    member _.StepWall(by: TimeSpan) = step <- step + by

    /// Lets time pass: both clocks move on by `by`, and due timers fire.
    member _.Advance(by: TimeSpan) = monotonic.Advance by

    override _.GetUtcNow() = monotonic.GetUtcNow() + step
    override _.GetTimestamp() = monotonic.GetTimestamp()
    override _.TimestampFrequency = monotonic.TimestampFrequency
    override _.LocalTimeZone = monotonic.LocalTimeZone

    override _.CreateTimer(callback, state, dueTime, period) =
        monotonic.CreateTimer(callback, state, dueTime, period)

let private wallClockSteps =
    test
        "a wall clock stepped back an hour, then forward a day, neither stops the checks nor changes their cadence"
        (fun () ->
            task {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let clock =
                    SteppedWallClock(FakeTimeProvider(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero)))

                let! (running: Running) = startOn clock [ pacedEndpoint target "/steady" 1.0 2.0 ]
                use _ = running
                do! waitFor "the first check is done" (fun () -> running.Statistics.Checks = 1L)

                for k in 1..6 do
                    if k = 2 then
                        clock.StepWall(TimeSpan.FromHours -1.0)

                    if k = 4 then
                        clock.StepWall(TimeSpan.FromDays 1.0)

                    // One period passes on the monotonic clock: exactly one more check.
                    clock.Advance(TimeSpan.FromSeconds 1.0)

                    do!
                        waitFor $"check {k + 1} is done one period later" (fun () ->
                            running.Statistics.Checks = int64 (k + 1))

                Expect.equal (target.Hits "/steady") 7 "one request per period, none extra"
                Expect.equal running.Statistics.SkippedSlots 0L "no slot counted as missed"
            })

let private heartbeatOnMonotonicClock =
    test "the health check's silence is measured on the monotonic clock, not the wall clock" (fun () ->
        task {
            let clock =
                SteppedWallClock(FakeTimeProvider(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero)))

            let statistics = CheckStatistics()
            statistics.Heartbeat(clock.GetTimestamp())
            clock.StepWall(TimeSpan.FromHours 1.0)
            Expect.equal (statistics.SilentFor clock) TimeSpan.Zero "a wall clock step forward is no silence"
            clock.Advance(TimeSpan.FromSeconds 12.0)
            Expect.equal (statistics.SilentFor clock) (TimeSpan.FromSeconds 12.0) "time that passes is"
        })

let private skippedSlots =
    test "a check slower than the period skips the slots it covers and counts them, never overlapping" (fun () ->
        task {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/slow", TargetBehaviour.Delayed(TimeSpan.FromMilliseconds 700.0))
            let clock = FakeTimeProvider(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero))
            let start = clock.GetUtcNow()
            let! (running: Running) = startOn clock [ pacedEndpoint target "/slow" 1.0 5.0 ]
            use _ = running
            do! waitFor "the first check is in flight" (fun () -> target.Hits "/slow" = 1)
            // Five slots (1 s … 5 s on the fake clock) come and go while the first request is still running.
            clock.Advance(TimeSpan.FromSeconds 0.5)

            for _ in 1..5 do
                clock.Advance(TimeSpan.FromSeconds 1.0)
                do! Task.Delay 20

            while running.Statistics.SkippedSlots < 5L
                  && secondsBetween start (clock.GetUtcNow()) < 5.9 do
                clock.Advance(TimeSpan.FromMilliseconds 50.0)
                do! Task.Delay 10

            Expect.equal running.Statistics.SkippedSlots 5L "each covered slot is counted as skipped"
            Expect.equal (target.Hits "/slow") 1 "no second request while the first runs"
            do! waitFor "the slow check completes" (fun () -> running.Statistics.Checks = 1L)
            clock.Advance(TimeSpan.FromSeconds 1.0)
            do! waitFor "the next free slot checks again" (fun () -> target.Hits "/slow" = 2)
            Expect.equal running.Statistics.SkippedSlots 5L "no slot skipped once the check is done"
        })

let private neverOverlapping =
    test "on the wire, a check of one endpoint starts only after its previous one ended" (fun () ->
        task {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            let busy = 0.3
            target.Set("/slower", TargetBehaviour.Delayed(TimeSpan.FromSeconds busy))

            let! (running: Running) =
                startOn TimeProvider.System [ pacedEndpoint target "/slower" 0.1 2.0 ]

            use _ = running
            do! waitFor "3 checks have started" (fun () -> target.Hits "/slower" >= 3)
            do! running.Stop()
            let starts = target.HitLog "/slower" |> Seq.map _.Time |> Array.ofSeq

            for k in 1 .. starts.Length - 1 do
                Expect.isGreaterThanOrEqual
                    (secondsBetween starts[k - 1] starts[k])
                    (busy - 0.02)
                    $"check {k} started while check {k - 1} was still running"

            Expect.isGreaterThanOrEqual
                running.Statistics.SkippedSlots
                (2L * int64 (starts.Length - 1))
                "the slots covered by each slow check are counted as skipped"
        })

let private survivesThrowingCheck =
    test "a check that throws is logged and the loop goes on checking" (fun () ->
        task {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/failing", TargetBehaviour.WithStatus 500)
            // The monitor's logger throws when the endpoint goes down: that check's OnVerdict throws.
            let monitorLogger = RecordingLogger<EndpointMonitor>(LogLevel.Warning)
            let schedulerLogger = RecordingLogger<CheckScheduler>(LogLevel.None)

            let running =
                new Running(
                    [ pacedEndpoint target "/failing" 0.1 1.0 ],
                    TimeProvider.System,
                    monitorLogger,
                    schedulerLogger
                )

            use _ = running
            do! running.Start()

            do!
                waitFor "the throwing check is logged as an error" (fun () ->
                    schedulerLogger.Entries
                    |> List.exists (fun e ->
                        e.Level = LogLevel.Error
                        && e.Error |> Option.exists (fun x -> x.Message = "the logger failed on purpose")))

            let hitsAfterThrow = target.Hits "/failing"
            do! waitFor "3 more checks ran after it" (fun () -> target.Hits "/failing" >= hitsAfterThrow + 3)
            Expect.isGreaterThanOrEqual running.Statistics.Checks 3L "their verdicts were counted"
        })

let private stopCancels =
    test "stopping cancels an in-flight probe at once instead of waiting for its timeout" (fun () ->
        task {
            // A raw listener that takes the request and never answers: it sees when the prober hangs up.
            use listener = new TcpListener(IPAddress.Loopback, 0)
            listener.Start()
            let port = (listener.LocalEndpoint :?> IPEndPoint).Port

            let endpoint =
                { endpointAt $"http://127.0.0.1:{port}/silent" [] with
                    TimeoutSeconds = 30.0
                    FrequencySeconds = 60.0
                }

            let! (running: Running) = startOn TimeProvider.System [ endpoint ]
            use _ = running
            use accepting = new CancellationTokenSource(TimeSpan.FromSeconds 5.0)
            use! connection = listener.AcceptTcpClientAsync accepting.Token
            let stream = connection.GetStream()
            let buffer = Array.zeroCreate<byte> 4096
            let! head = stream.ReadAsync(buffer, 0, buffer.Length)
            Expect.isGreaterThan head 0 "the request arrived"
            let clock = Stopwatch.StartNew()
            do! running.Stop()
            let stopped = clock.Elapsed
            use reading = new CancellationTokenSource(TimeSpan.FromSeconds 3.0)

            let! hungUp =
                task {
                    try
                        let mutable closed = false

                        while not closed do
                            let! n = stream.ReadAsync(buffer.AsMemory(), reading.Token)
                            closed <- n = 0

                        return true
                    with
                    | :? IOException -> return true
                    | :? OperationCanceledException -> return false
                }

            Expect.isTrue hungUp "the prober closed the connection after the stop"
            Expect.isLessThan clock.Elapsed (TimeSpan.FromSeconds 2.0) "well before the 30 s timeout"
            Expect.isLessThan stopped (TimeSpan.FromSeconds 2.0) "the scheduler stopped promptly"
            Expect.equal running.Statistics.Checks 0L "a cancelled check yields no verdict"
        })

[<Tests>]
let tests =
    testSequenced (
        testList
            "scheduler"
            [
                fixedRate
                spread
                noSpinning
                batchedWakeUps
                skippedSlots
                wallClockSteps
                heartbeatOnMonotonicClock
                neverOverlapping
                survivesThrowingCheck
                stopCancels
            ]
    )
