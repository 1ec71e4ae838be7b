/// Invariants of the component decisions, over random components, checks, restarts and slow Cachet answers.
module CachetMonitor.Tests.Domain.ComponentMonitorProperties

open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain
open CachetMonitor.Tests.Support.ComponentDriver

/// One endpoint's shape: allowed_fails, success_threshold, actions.
type Shape = int * int * MonitorAction list

let private shape: Gen<Shape> =
    gen {
        let! allowedFails = Gen.choose (0, 2)
        let! successThreshold = Gen.choose (1, 2)

        let! actions =
            Gen.elements
                [
                    [ UpdateStatus; CreateIncident ]
                    [ UpdateStatus; CreateIncident ]
                    [ UpdateStatus ]
                    [ CreateIncident ]
                ]

        return allowedFails, successThreshold, actions
    }

let private names = [ "a"; "b"; "c" ]

/// A component of 1–3 endpoints and 0–60 checks, each of one endpoint with a verdict.
let private scenario =
    gen {
        let! count = Gen.choose (1, 3)
        let! shapes = Gen.listOfLength count shape
        let endpoints = List.zip (List.truncate count names) shapes

        let! checks =
            Gen.listOf (Gen.zip (Gen.elements (List.truncate count names)) (Gen.elements [ "ok"; "ok"; "D"; "P"; "X" ]))
            |> Gen.map (List.truncate 60)

        let! restartAt = Gen.choose (0, 60)
        return endpoints, checks, restartAt
    }

let private planFor (endpoints: (string * Shape) list) =
    endpoints
    |> List.map (fun (name, (allowedFails, successThreshold, actions)) ->
        endpoint name 1 allowedFails successThreshold actions)
    |> planOf

/// Enough passes of every endpoint to bring them all up.
let private allUp (endpoints: (string * Shape) list) =
    [
        for name, (_, _, _) in endpoints do
            for _ in 1..2 -> name, "ok"
    ]

let private checkEvent (name, v) = Checked(name, verdict v, 0L)

let private config =
    { FsCheckConfig.defaultConfig with
        maxTest = 300
    }

/// The status the endpoints' own truth asks for (every endpoint with UPDATE_STATUS or CREATE_INCIDENT counts).
let private expectedStatus (state: ComponentState) =
    state.Plan.Members
    |> List.choose (fun m -> state.Members[m.Name].Down |> Option.map (fun d -> Severity.rank d.Severity))
    |> function
        | [] -> 1
        | ranks -> List.max ranks

let private incidentsOk (model: Model) = (unresolved model).Length <= 1

[<Tests>]
let properties =
    testList
        "component decisions (properties)"
        [
            testPropertyWithConfig
                config
                "with UPDATE_STATUS on every endpoint, Cachet shows the worst down severity after every check"
            <| Prop.forAll (Arb.fromGen scenario) (fun (endpoints, checks, _) ->
                let endpoints =
                    endpoints
                    |> List.map (fun (n, (a, s, _)) -> n, (a, s, [ UpdateStatus; CreateIncident ]))

                checks
                |> List.fold
                    (fun (current, ok) check ->
                        let (state, model), _ = run current (checkEvent check)
                        let shown = ComponentStatus.toCode model.Status
                        (state, model), ok && shown = expectedStatus state)
                    (adopted (planFor endpoints) (emptyCachet Operational), true)
                |> snd)

            testPropertyWithConfig
                config
                "reading Cachet at start-up writes no status and opens no incident before a check says so"
            <| Prop.forAll
                (Arb.fromGen (Gen.zip scenario (Gen.zip (Gen.choose (0, 4)) (Gen.elements [ true; false ]))))
                (fun ((endpoints, _, _), (status, withOurs)) ->
                    let plan = planFor endpoints

                    let cachet =
                        { emptyCachet (ComponentStatus.ofCode status |> Option.defaultValue Unknown) with
                            Incidents =
                                if withOurs then
                                    Map.ofList [ 7, ("a is unavailable", false, true) ]
                                else
                                    Map.empty
                            NextId = 8
                        }

                    let _, commands =
                        ComponentMonitor.step (ComponentMonitor.initial plan) (Adopted(viewOf cachet))

                    commands
                    |> List.forall (fun c ->
                        match c with
                        | SetStatus _
                        | OpenIncident _
                        | UpdateIncident _ -> false
                        | _ -> true))

            testPropertyWithConfig config "never two open incidents on a component, and none once every endpoint is up"
            <| Prop.forAll (Arb.fromGen scenario) (fun (endpoints, checks, _) ->
                let (_, model), ok =
                    checks @ allUp endpoints
                    |> List.fold
                        (fun (current, ok) check ->
                            let (state, model), _ = run current (checkEvent check)
                            (state, model), ok && incidentsOk model)
                        (adopted (planFor endpoints) (emptyCachet Operational), true)

                ok && unresolved model = [] && model.Status = Operational)

            testPropertyWithConfig config "the order of endpoints in the config never changes what is written"
            <| Prop.forAll (Arb.fromGen scenario) (fun (endpoints, checks, _) ->
                let writes plan =
                    checks
                    |> List.mapFold
                        (fun current check ->
                            let next, commands = run current (checkEvent check)
                            commands |> List.map render |> List.filter (fun c -> not (c.StartsWith "hook")), next)
                        (adopted plan (emptyCachet Operational))
                    |> fst

                writes (planFor endpoints) = writes (planFor (List.rev endpoints)))

            testPropertyWithConfig
                config
                "killed at any point and restarted from what Cachet shows: no duplicate, no orphan"
            <| Prop.forAll (Arb.fromGen scenario) (fun (endpoints, checks, restartAt) ->
                let plan = planFor endpoints
                let before, after = List.splitAt (min restartAt checks.Length) checks

                let step (current, ok) check =
                    let (state, model), _ = run current (checkEvent check)
                    (state, model), ok && incidentsOk model

                let (_, model), okBefore =
                    before |> List.fold step (adopted plan (emptyCachet Operational), true)

                // The restart: a fresh process adopts what Cachet shows.
                let (_, model), okAfter =
                    after @ allUp endpoints |> List.fold step (adopted plan model, true)

                okBefore && okAfter && unresolved model = [] && model.Status = Operational)

            testPropertyWithConfig
                config
                "against a Cachet that answers late, at most one incident write waits and the end is right"
            <| Prop.forAll
                (Arb.fromGen (Gen.zip scenario (Gen.listOf (Gen.choose (0, 3)))))
                (fun ((endpoints, checks, _), delays) ->
                    let plan = planFor endpoints
                    let delays = Array.ofList (if delays.IsEmpty then [ 0 ] else delays)
                    let start, model0 = adopted plan (emptyCachet Operational)

                    // Writes land in Cachet at once; their answers reach the core some checks later.
                    let deliver (state, model, waiting: (int * ComponentEvent) list) =
                        let due, later = waiting |> List.partition (fun (age, _) -> age <= 0)

                        let state, model, fresh =
                            due
                            |> List.fold
                                (fun (s, m, acc) (_, ack) ->
                                    let s, commands = ComponentMonitor.step s ack

                                    let m, acks = executeAll m commands

                                    s, m, acc @ acks)
                                (state, model, [])

                        state,
                        model,
                        (later |> List.map (fun (age, e) -> age - 1, e))
                        @ (fresh |> List.map (fun a -> 0, a))

                    let mutable ok = true

                    let finalState, finalModel, finalWaiting =
                        checks @ allUp endpoints @ allUp endpoints
                        |> List.indexed
                        |> List.fold
                            (fun (state, model, waiting) (i, check) ->
                                let state, commands = ComponentMonitor.step state (checkEvent check)

                                let model, acks = executeAll model commands

                                let waiting = waiting @ (acks |> List.map (fun a -> delays[i % delays.Length], a))
                                ok <- ok && waiting.Length <= 1 && incidentsOk model
                                deliver (state, model, waiting))
                            (start, model0, [])

                    // Let every answer arrive.
                    let rec drain (s, m, w: (int * ComponentEvent) list) =
                        if w.IsEmpty then
                            s, m
                        else
                            drain (deliver (s, m, w |> List.map (fun (_, e) -> 0, e)))

                    let _, model = drain (finalState, finalModel, finalWaiting)
                    ok && unresolved model = [] && model.Status = Operational)
        ]
