/// Hostile or broken targets: slow drips, huge bodies, redirect loops, names that do not resolve, self-signed TLS,
/// resets mid-body and regexes that backtrack forever. Each ends as a clear verdict in bounded time and memory.
module CachetMonitor.Tests.Host.ReliabilityHostileTargets

open System
open System.Diagnostics
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Probing
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private regexExpectation (pattern: string) =
    [ "expectation:"; "  - type: REGEX"; $"    regex: '{pattern}'" ]

/// Probes once with default options; the observation and how long it took.
let private probeTimed (endpoint: Endpoint) : Task<Observation * TimeSpan> =
    task {
        let prober = new HttpProber(ProbeOptions())

        try
            let clock = Stopwatch.StartNew()
            let! observation = prober.ProbeAsync(endpoint, CancellationToken.None)
            return observation, clock.Elapsed
        finally
            prober.Dispose()
    }

let private expectUnreachable (observation: Observation) (mentions: string) =
    match observation with
    | Unreachable error -> Expect.stringContains (error.ToLowerInvariant()) mentions $"says why: {error}"
    | other -> failtest $"expected unreachable, got %A{other}"

let private probes =
    [
        testTask "a body dripping a byte at a time past the timeout is a time-out, bounded by the timeout" {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/drip", TargetBehaviour.Dripping(String('x', 200), TimeSpan.FromMilliseconds 50.0))

            let endpoint =
                { ProbeTests.endpointFor (target.Url "/drip") (regexExpectation "y") with
                    TimeoutSeconds = 0.5
                }

            let! (observation: Observation, elapsed: TimeSpan) = probeTimed endpoint
            Expect.equal observation TimedOut "the whole request is bounded, not each read"
            Expect.isLessThan elapsed.TotalSeconds 1.5 "it gave up at the timeout"
        }

        testTask "a redirect loop fails on the last redirect's status after a bounded number of hops" {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/loop", TargetBehaviour.Redirect "/loop")
            let endpoint = ProbeTests.endpointFor (target.Url "/loop") []
            let! (observation: Observation, elapsed: TimeSpan) = probeTimed endpoint

            match Monitor.evaluate endpoint observation with
            | Failed failure -> Expect.equal failure.Message "Unexpected HTTP status (302)" "a clear failure"
            | passed -> failtest $"expected a failure, got %A{passed}"

            Expect.isLessThanOrEqual (target.Hits "/loop") (ProbeOptions().MaxRedirects + 1) "hops are bounded"
            Expect.isLessThan elapsed.TotalSeconds 1.0 "well before the timeout"
        }

        testTask "a host name that does not resolve fails within the timeout" {
            let endpoint =
                { ProbeTests.endpointFor "http://cachet-monitor-reliability.invalid/" [] with
                    TimeoutSeconds = 2.0
                }

            let! (observation: Observation, elapsed: TimeSpan) = probeTimed endpoint

            match observation with
            | Unreachable _
            | TimedOut -> ()
            | other -> failtest $"expected a failure, got %A{other}"

            Expect.isLessThan elapsed.TotalSeconds 3.0 "the test stops by itself"
        }

        testTask "a self-signed certificate fails verification, and passes with insecure: true" {
            let certificate = selfSignedCertificate ()
            let! (target: TargetServer) = TargetServer.StartAsync certificate
            use _ = target
            Expect.stringStarts target.Root "https://" "an HTTPS target"

            let! (verified: Observation, _: TimeSpan) =
                probeTimed (ProbeTests.endpointFor (target.Url "/") [])

            expectUnreachable verified "ssl"

            let! (insecure: Observation, _: TimeSpan) =
                probeTimed (ProbeTests.endpointFor (target.Url "/") [ "insecure: true" ])

            match insecure with
            | Responded response -> Expect.equal response.StatusCode (Some 200) "insecure skips verification"
            | other -> failtest $"expected a response, got %A{other}"
        }

        testTask "a connection reset after part of the body is unreachable when the body is needed, a pass when not" {
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/reset", TargetBehaviour.ResetMidBody(String('x', 100_000), 1000))
            let withRegex = ProbeTests.endpointFor (target.Url "/reset") (regexExpectation "y")
            let! (needed: Observation, _: TimeSpan) = probeTimed withRegex

            match needed with
            | Unreachable _ -> ()
            | other -> failtest $"expected unreachable, got %A{other}"

            let statusOnly = ProbeTests.endpointFor (target.Url "/reset") []
            let! (notNeeded: Observation, _: TimeSpan) = probeTimed statusOnly
            Expect.isTrue (Monitor.evaluate statusOnly notNeeded).IsPassed "the status alone passes"
        }
    ]

let private processes =
    [
        testTask "a 200 MB body is checked with bounded memory: check completes and the monitor stays small" {
            use dir = new TempDir()
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/huge", TargetBehaviour.Huge("OK ", 200L * 1024L * 1024L))

            let yaml =
                config
                    "http://127.0.0.1:1/api/v1"
                    "unused-token"
                    [
                        endpointYaml "regex" (target.Url "/huge") 1 (regexExpectation "^OK" @ [ "timeout: 10" ])
                        endpointYaml "status" (target.Url "/huge") 2 (statusExpectation @ [ "timeout: 10" ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)
            use running = start [ "check"; path ] []
            let stop = new CancellationTokenSource(seconds 30.0)
            let! peakKiB = watchPeakRss running.Process.Id stop.Token
            let! code = running.WaitForExit(seconds 30.0)
            Expect.equal code (Some 0) $"both checks pass\n{running.Output}"
            Expect.stringContains running.Output "2 of 2 endpoint(s) passed" "both completed"
            Expect.isGreaterThan peakKiB 0L "memory was measured"
            Expect.isLessThan peakKiB (150L * 1024L) "peak RSS stays far below the body's 200 MB"
        }

        testTask
            "a catastrophically backtracking regex fails clearly on its match time-out while other endpoints keep their schedule" {
            use dir = new TempDir()
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            target.Set("/evil", TargetBehaviour.WithBody(String('a', 40) + "!"))

            let yaml =
                config
                    "http://127.0.0.1:1/api/v1"
                    "unused-token"
                    [
                        endpointYaml "evil" (target.Url "/evil") 1 (regexExpectation "^(a+)+$")
                        endpointYaml "steady" (target.Url "/steady") 2 statusExpectation
                    ]
                    []

            let path = dir.Write("config.yml", yaml)
            use running = start [ "run"; path; "--dry-run"; "--log-level"; "Debug" ] []

            do!
                waitFor running "the evil regex times out" (fun () ->
                    running.Output.Contains "Regex timed out on the body")

            let since = DateTimeOffset.UtcNow
            do! Task.Delay 2000

            let evilChecks =
                running.Output.Split('\n')
                |> Array.filter (fun l -> l.Contains "Regex timed out")

            Expect.isGreaterThanOrEqual evilChecks.Length 3 "the evil endpoint keeps being checked"

            let gaps =
                target.HitLog "/steady"
                |> Seq.filter (fun h -> h.Time >= since)
                |> Seq.map (fun h -> h.Time)
                |> Seq.pairwise
                |> Seq.map (fun (a, b) -> (b - a).TotalSeconds)
                |> List.ofSeq

            Expect.isGreaterThanOrEqual gaps.Length 7 $"the steady endpoint kept its 0.2 s schedule: %A{gaps}"
            Expect.isLessThan (List.max gaps) 0.5 $"no steady check was held up: %A{gaps}"
            let! _ = stopWith SIGTERM (seconds 5.0) running
            ()
        }
    ]

[<Tests>]
let tests =
    testList
        "reliability: hostile targets"
        [
            testList "probes" probes
            testSequencedGroup "reliability: hostile targets" (testList "processes" processes)
        ]
