module CachetMonitor.Tests.Host.RetryAfterTests

open System
open System.Threading.Tasks
open Expecto
open FsCheck
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private now = DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero)

let private asking (s: float) = Nullable(TimeSpan.FromSeconds s)

let private parse (value: string | null) = RetryAfterHeader.Parse(value, now)

/// Expects each header value to ask for that many seconds.
let private expectWaits (cases: (string * float) list) =
    for (value, expected) in cases do
        Expect.equal (parse value) (asking expected) value

/// The daemon at start-up against a Cachet whose first component read answers 429 with `Retry-After: 9999999`.
let private hugeAtStartUp =
    testTask "a 429 with Retry-After: 9999999 at start-up waits 60 s and goes on instead of crashing the daemon" {
        let token = "retry-after-token-5c1e"
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        stage.Cachet.FailNext(CachetFault.RateLimited "9999999", method = "GET", path = "/components")
        let path = stage.Dir.Write("config.yml", stage.Config "UPDATE_STATUS")
        use running = start [ "run"; path; "--log-level"; "Debug" ] []
        do! waitFor running "the start-up read is retried later" (fun () -> running.Output.Contains "retry in 60 s")
        do! Task.Delay 500
        Expect.isFalse running.HasExited $"the daemon is still running\n{running.Output}"
        Expect.isFalse (running.Output.Contains token) "the token is not logged"
        let! _ = stopWith SIGTERM (seconds 5.0) running
        ()
    }

let private quick =
    CachetWriteOptions(InitialBackoff = TimeSpan.FromMilliseconds 10.0, MaxBackoff = TimeSpan.FromMilliseconds 40.0)

[<Tests>]
let tests =
    testList
        "Retry-After"
        [
            test "delta-seconds are read as they are, up to the 60 s cap" {
                expectWaits
                    [
                        "0", 0.0
                        "7", 7.0
                        " 30 ", 30.0
                        "060", 60.0
                        "61", 60.0
                        "9999999", 60.0
                        "99999999999999999999999", 60.0
                    ]
            }
            test "an HTTP-date is measured against the clock given, in every form HTTP allows, and capped" {
                expectWaits
                    [
                        "Sat, 31 Jan 2026 12:00:30 GMT", 30.0
                        "Saturday, 31-Jan-26 12:00:45 GMT", 45.0
                        "Sat Jan 31 12:00:05 2026", 5.0
                        "Sat, 31 Jan 2026 11:00:00 GMT", 0.0
                        "Fri, 31 Dec 9999 23:59:59 GMT", 60.0
                    ]
            }
            test "garbage and absence read as no wait asked, never as an exception" {
                let values: (string | null) list =
                    [
                        null
                        ""
                        "  "
                        "-5"
                        "+5"
                        "1.5"
                        "abc"
                        "5 s"
                        "Sat, 31 Jan 2026 12:00:30"
                        "Sun, 31 Jan 2026 12:00:30 GMT"
                        "31/01/2026"
                    ]

                for value in values do
                    Expect.equal (parse value) (Nullable()) $"{value}"
            }
            testProperty "no header value throws or asks for more than 60 s"
            <| fun (value: string) ->
                match parse value |> Option.ofNullable with
                | None -> true
                | Some wait -> wait >= TimeSpan.Zero && wait <= TimeSpan.FromSeconds 60.0
            test "Backoff honours a Retry-After longer than its jitter, capped at 60 s" {
                Expect.equal (Backoff.Delay(1, quick, asking 7.0)) (TimeSpan.FromSeconds 7.0) "7 s"

                for asked in [ 61.0; 9999999.0; TimeSpan.MaxValue.TotalSeconds ] do
                    Expect.equal (Backoff.Delay(1, quick, asking asked)) (TimeSpan.FromSeconds 60.0) $"{asked}"
            }
            test "Backoff ignores a negative Retry-After and keeps its own jitter" {
                let delay = Backoff.Delay(1, quick, Nullable(TimeSpan.FromSeconds -5.0))
                Expect.isGreaterThanOrEqual delay (TimeSpan.FromMilliseconds 10.0) "jitter band"
                Expect.isLessThanOrEqual delay (TimeSpan.FromMilliseconds 20.0) "jitter band"
            }
            testProperty "Backoff with any Retry-After stays within 60 s or the configured cap, whichever is longer"
            <| fun (PositiveInt failures) (ticks: int64) ->
                let delay = Backoff.Delay(failures, quick, Nullable(TimeSpan.FromTicks ticks))
                delay >= TimeSpan.Zero && delay <= TimeSpan.FromSeconds 60.0
            hugeAtStartUp
        ]
