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
/// default) from `CACHET_MONITOR_SIM_FIRST_SEED` (1).
let private seeds =
    match setting "CACHET_MONITOR_SIM_SEED" with
    | Some seed -> [ seed ]
    | None ->
        let first = setting "CACHET_MONITOR_SIM_FIRST_SEED" |> Option.defaultValue 1
        let count = setting "CACHET_MONITOR_SIM_SEEDS" |> Option.defaultValue 200
        [ first .. first + count - 1 ]

let private replaying = (setting "CACHET_MONITOR_SIM_SEED").IsSome

let private replayCommand (seed: int) =
    let h = hours.ToString(Globalization.CultureInfo.InvariantCulture)

    $"CACHET_MONITOR_SIM_SEED={seed} CACHET_MONITOR_SIM_HOURS={h} dotnet run --project tests/CachetMonitor.Tests -- --colours 0 --no-spinner --filter-test-list \"simulation\""

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

let private runSeed mutant traced seed =
    Runner.run (Scenario.generate seed hours) mutant traced

let private describe (result: RunResult) =
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

    $"seed {result.Scenario.Seed} failed:\n{shown}{more}\n  replay: {replayCommand result.Scenario.Seed}"

[<Tests>]
let tests =
    testList
        "simulation"
        [
            testCase "seeded runs keep Cachet true through faults, restarts, reloads, clock steps and people's edits"
            <| fun () ->
                let clock = Stopwatch.StartNew()

                let results =
                    onSimulationThread (fun () -> seeds |> List.map (runSeed NoMutant replaying))

                clock.Stop()

                if replaying then
                    for line in results.Head.Trace do
                        printfn "%s" line

                let failed = results |> List.filter (fun r -> not r.Violations.IsEmpty)
                let total f = results |> List.sumBy f
                let simulated = float seeds.Length * hours

                printfn
                    "simulation: %d seed(s) × %g h = %g simulated hours in %.1f s; %d steps, %d Cachet calls (%d failed), %d restarts, %d reloads, %d late duplicates resolved, %d orphans; %d seed(s) failed"
                    seeds.Length
                    hours
                    simulated
                    clock.Elapsed.TotalSeconds
                    (results |> List.sumBy (fun r -> r.Steps))
                    (total (fun r -> r.Calls))
                    (total (fun r -> r.FailedCalls))
                    (total (fun r -> r.Restarts))
                    (total (fun r -> r.Reloads))
                    (total (fun r -> r.LateDuplicates))
                    (total (fun r -> r.Orphans))
                    failed.Length

                if not failed.IsEmpty then
                    let report = failed |> List.truncate 5 |> List.map describe |> String.concat "\n"
                    failtest $"{failed.Length} of {seeds.Length} seed(s) broke an invariant:\n{report}"

            testCase "a seed replays exactly: the same calls at the same virtual times with the same fates"
            <| fun () ->
                for seed in [ 1; 2; 3 ] do
                    let first, second =
                        onSimulationThread (fun () -> runSeed NoMutant false seed, runSeed NoMutant false seed)

                    Expect.equal second.Digest first.Digest $"seed {seed}: the second run made other calls"
                    Expect.equal second.Steps first.Steps $"seed {seed}: the second run took other steps"
                    Expect.isGreaterThan first.Calls 100 $"seed {seed} made Cachet calls"

            testList
                "mutants"
                [
                    for mutant in Mutants.all ->
                        testCase $"{Mutants.name mutant} breaks an invariant within 50 seeds"
                        <| fun () ->
                            let caught =
                                onSimulationThread (fun () ->
                                    [ 1..50 ]
                                    |> List.tryPick (fun seed ->
                                        let result = runSeed mutant false seed

                                        if result.Violations.IsEmpty then None else Some result))

                            match caught with
                            | Some result -> printfn "%s: %s" (Mutants.name mutant) (describe result)
                            | None -> failtest $"{Mutants.name mutant}: no seed of 1–50 broke an invariant"
                ]
        ]
