/// The deterministic simulation (docs/reliability.md, "Deterministic simulation"): many seeded runs of the real
/// component syncs against the model Cachet, each replayable from its seed.
module CachetMonitor.Tests.Simulation.SimulationTests

open System
open System.Diagnostics
open System.Threading
open Expecto

let private setting (name: string) =
    match Environment.GetEnvironmentVariable name with
    | null -> None
    | text when String.IsNullOrWhiteSpace text -> None
    | text -> Some(int (Double.Parse(text, Globalization.CultureInfo.InvariantCulture)))

let private hours =
    match Environment.GetEnvironmentVariable "CACHET_MONITOR_SIM_HOURS" with
    | null -> 6.0
    | text when String.IsNullOrWhiteSpace text -> 6.0
    | text -> Double.Parse(text, Globalization.CultureInfo.InvariantCulture)

/// `CACHET_MONITOR_SIM_SEED` replays one seed (with its trace); else `CACHET_MONITOR_SIM_SEEDS` seeds (200 by
/// default against Cachet 2.x, `ci3` against 3.x) from `CACHET_MONITOR_SIM_FIRST_SEED` (1).
let private seedsOf (ci3: int option) =
    match setting "CACHET_MONITOR_SIM_SEED" with
    | Some seed -> [ seed ]
    | None ->
        let first = setting "CACHET_MONITOR_SIM_FIRST_SEED" |> Option.defaultValue 1

        let count =
            setting "CACHET_MONITOR_SIM_SEEDS"
            |> Option.orElse ci3
            |> Option.defaultValue 200

        [ first .. first + count - 1 ]

let private replaying = (setting "CACHET_MONITOR_SIM_SEED").IsSome

/// The Cachet 3 of a seed: Cachet's limit a minute and the monitor's budget (4/5 of it, as 240 is of the default 300).
/// Mostly small limits, so that the budget binds with the scenarios' few endpoints (its arithmetic is the same at
/// any scale: a bucket of a quarter of the budget, a sixteenth kept for incidents, statuses and reads); 300 is
/// Cachet's default.
let cachet3Of (seed: int) =
    let limit = [| 20; 20; 30; 60; 300 |][Random(seed * 31 + 7).Next 5]
    Cachet3(limit, limit * 4 / 5)

/// Which Cachet a test runs its seeds against (on 3.x, each seed's own limit: `cachet3Of`).
type private Line =
    | Two
    | Three

let private versionOf (line: Line) seed =
    match line with
    | Two -> Cachet2
    | Three -> cachet3Of seed

/// The test case that runs a version's seeds (a replay selects it with --filter-test-case).
let private caseOf (line: Line) =
    match line with
    | Two -> "seeded runs keep Cachet true through faults, restarts, reloads, clock steps and people's edits"
    | Three -> "Cachet 3.x: seeded runs keep Cachet true and stay within its rate limit"

let private replayCommand (line: Line) (seed: int) =
    let h = hours.ToString(Globalization.CultureInfo.InvariantCulture)

    $"CACHET_MONITOR_SIM_SEED={seed} CACHET_MONITOR_SIM_HOURS={h} dotnet run --project tests/CachetMonitor.Tests -- --colours 0 --no-spinner --filter-test-case \"{caseOf line}\""

/// Runs `work` on a thread of its own: no synchronization context, the default task scheduler, and a thread the
/// model Cachet can tell from the pool's (a call from any other thread is a determinism leak, reported).
let onSimulationThread (work: unit -> 'a) : 'a =
    let result = ref None
    let error = ref None

    let thread =
        Thread(
            (fun () ->
                try
                    result.Value <- Some(work ())
                with e ->
                    error.Value <- Some e),
            16 * 1024 * 1024
        )

    thread.Start()
    thread.Join()

    match error.Value, result.Value with
    | Some e, _ -> raise (AggregateException("the simulation thread failed", e))
    | None, Some value -> value
    | None, None -> failwith "the simulation thread returned nothing"

let private runSeed line mutant traced seed =
    Runner.runOn (versionOf line seed) (Scenario.generate seed hours) mutant traced

let private describe (line: Line) (result: RunResult) =
    let shown =
        result.Violations
        |> List.truncate 8
        |> List.map (fun v -> $"    {v}")
        |> String.concat "\n"

    let more =
        if result.Violations.Length > 8 then
            $"\n    … and {result.Violations.Length - 8} more"
        else
            ""

    $"seed {result.Scenario.Seed} failed:\n{shown}{more}\n  replay: {replayCommand line result.Scenario.Seed}"

/// Every seed of a version's run (CI: 200 against 2.x, 50 against 3.x), a summary line, and the failed seeds.
let private seededRuns (line: Line) (ci: int option) =
    testCase (caseOf line)
    <| fun () ->
        let seeds = seedsOf ci
        let clock = Stopwatch.StartNew()

        let results =
            onSimulationThread (fun () -> seeds |> List.map (runSeed line NoMutant replaying))

        clock.Stop()

        if replaying then
            for line in results.Head.Trace do
                printfn "%s" line

        let failed = results |> List.filter (fun r -> not r.Violations.IsEmpty)
        let total f = results |> List.sumBy f
        let simulated = float seeds.Length * hours

        let cachet3 =
            match line with
            | Two -> ""
            | Three ->
                $", {total (fun r -> r.Throttled)} answered 429 by Cachet 3's limiter, {results |> List.sumBy (fun r -> r.Coalesced)} metric points averaged by the budget"

        printfn
            "simulation%s: %d seed(s) × %g h = %g simulated hours in %.1f s; %d steps, %d Cachet calls (%d failed%s), %d restarts, %d reloads, %d late duplicates resolved, %d orphans; %d seed(s) failed"
            (match line with
             | Two -> ""
             | Three -> " (Cachet 3.x)")
            seeds.Length
            hours
            simulated
            clock.Elapsed.TotalSeconds
            (results |> List.sumBy (fun r -> r.Steps))
            (total (fun r -> r.Calls))
            (total (fun r -> r.FailedCalls))
            cachet3
            (total (fun r -> r.Restarts))
            (total (fun r -> r.Reloads))
            (total (fun r -> r.LateDuplicates))
            (total (fun r -> r.Orphans))
            failed.Length

        if not failed.IsEmpty then
            let report =
                failed |> List.truncate 5 |> List.map (describe line) |> String.concat "\n"

            failtest $"{failed.Length} of {seeds.Length} seed(s) broke an invariant:\n{report}"

/// A mutant must break an invariant within 50 seeds.
let private caught (line: Line) (mutant: Mutant) =
    testCase $"{Mutants.name mutant} breaks an invariant within 50 seeds"
    <| fun () ->
        let caught =
            onSimulationThread (fun () ->
                [ 1..50 ]
                |> List.tryPick (fun seed ->
                    let result = runSeed line mutant false seed

                    if result.Violations.IsEmpty then None else Some result))

        match caught with
        | Some result -> printfn "%s: %s" (Mutants.name mutant) (describe line result)
        | None -> failtest $"{Mutants.name mutant}: no seed of 1–50 broke an invariant"

[<Tests>]
let tests =
    testList
        "simulation"
        [
            seededRuns Two None
            seededRuns Three (Some 50)

            testCase "a seed replays exactly: the same calls at the same virtual times with the same fates"
            <| fun () ->
                for line, seed in [ Two, 1; Two, 2; Two, 3; Three, 1; Three, 2 ] do
                    let first, second =
                        onSimulationThread (fun () ->
                            runSeed line NoMutant false seed, runSeed line NoMutant false seed)

                    Expect.equal second.Digest first.Digest $"seed {seed}: the second run made other calls"
                    Expect.equal second.Steps first.Steps $"seed {seed}: the second run took other steps"
                    Expect.isGreaterThan first.Calls 100 $"seed {seed} made Cachet calls"

            testList
                "mutants"
                [
                    for mutant in Mutants.all -> caught Two mutant
                    for mutant in Mutants.all3 -> caught Three mutant
                ]
        ]
