/// Quiet times in the component core: maintenance (nothing worse than Cachet shows) and offline (nothing written).
module CachetMonitor.Tests.Domain.QuietComponentTests

open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain
open CachetMonitor.Tests.Support.ComponentDriver

let private UI = [ UpdateStatus; CreateIncident ]
let private operational plan = adopted plan (emptyCachet Operational)

let private inMaintenance names =
    { Quiet.none with
        Maintenance = Set.ofList names
    }

/// Endpoints in a window with `maintenance_status: true` on Cachet 3.
let private shownInMaintenance names =
    { inMaintenance names with
        ShownInMaintenance = Set.ofList names
    }

let private offline = { Quiet.none with Offline = true }

/// Steps: "a:P" checks, "quiet:a,b" / "quiet:" set the endpoints in maintenance, "shown:a,b" in maintenance shown as
/// under maintenance, "offline" / "online".
let private play start (steps: string list) =
    steps
    |> List.mapFold
        (fun current (step: string) ->
            let event =
                match step.Split ':' with
                | [| "quiet"; "" |] -> Quieted Quiet.none
                | [| "quiet"; names |] -> Quieted(inMaintenance (List.ofArray (names.Split ',')))
                | [| "shown"; names |] -> Quieted(shownInMaintenance (List.ofArray (names.Split ',')))
                | [| "offline" |] -> Quieted offline
                | [| "online" |] -> Quieted Quiet.none
                | [| name; v |] -> Checked(name, verdict v, 1_700_000_000L)
                | _ -> failwith $"bad step {step}"

            let next, commands = run current event
            commands |> List.map render, next)
        start

let private case start (rows: (string * string list) list) =
    let commands, _ = play start (rows |> List.map fst)

    List.zip rows commands
    |> List.iteri (fun i ((step, expected), actual) -> Expect.equal actual expected $"step {i + 1} ({step})")

let private single actions = planOf [ endpoint "a" 1 0 1 actions ]
let private twice actions = planOf [ endpoint "a" 1 1 1 actions ]

[<Tests>]
let maintenanceCases =
    testList
        "quiet: maintenance windows"
        [
            test "a failing endpoint in a window writes nothing; the window's end applies its truth" {
                case
                    (operational (single UI))
                    [
                        "quiet:a", []
                        "a:P", []
                        "a:X", []
                        "quiet:", [ "status(4)"; "open(4)"; "hook(opened)" ]
                        "a:ok", [ "status(1)"; "resolve #1"; "hook(resolved)" ]
                    ]
            }
            test "the streak counts through the window: allowed_fails is not restarted at its end" {
                case
                    (operational (twice UI))
                    [
                        "quiet:a", []
                        "a:P", []
                        "quiet:", []
                        "a:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                    ]
            }
            test "a window that closes after the endpoint recovered writes nothing" {
                case (operational (single UI)) [ "quiet:a", []; "a:P", []; "a:ok", []; "quiet:", [] ]
            }
            test "an incident open before the window stays open and is resolved inside it on recovery" {
                case
                    (operational (single UI))
                    [
                        "a:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        "quiet:a", []
                        "a:P", []
                        "a:ok", [ "status(1)"; "resolve #1"; "hook(resolved)" ]
                    ]
            }
            test "inside the window an open incident is never made worse, but may get better" {
                case
                    (operational (single UI))
                    [
                        "a:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        "quiet:a", []
                        "a:X", []
                        "a:D", [ "status(2)"; "update(2)"; "hook(changed)" ]
                        "a:X", []
                        "quiet:", [ "status(4)"; "update(4)"; "hook(changed)" ]
                    ]
            }
            test "an endpoint outside the window still opens the component's incident" {
                let plan = planOf [ endpoint "a" 1 0 1 UI; endpoint "b" 1 0 1 UI ]

                case
                    (operational plan)
                    [
                        "quiet:a", []
                        "a:X", []
                        "b:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        // a is in the window: it may keep what Cachet shows (3), not raise it to 4.
                        "b:ok", []
                        "a:ok", [ "status(1)"; "resolve #1"; "hook(resolved)" ]
                    ]
            }
            test "UPDATE_STATUS alone: a window holds the status back" {
                case
                    (operational (single [ UpdateStatus ]))
                    [ "quiet:a", []; "a:P", []; "a:ok", []; "a:X", []; "quiet:", [ "status(4)" ] ]
            }
        ]

[<Tests>]
let maintenanceStatusCases =
    testList
        "quiet: maintenance_status (Cachet 3 status 6)"
        [
            test "the component shows under maintenance in the window, and the endpoint's truth after it" {
                case
                    (operational (single UI))
                    [
                        "shown:a", [ "status(6)" ]
                        "a:X", []
                        "quiet:", [ "status(4)"; "open(4)"; "hook(opened)" ]
                    ]
            }
            test "a passing endpoint goes back to operational when the window closes" {
                case (operational (single UI)) [ "shown:a", [ "status(6)" ]; "a:ok", []; "quiet:", [ "status(1)" ] ]
            }
            test "a window that closes before any check puts the status back at once" {
                case (operational (single UI)) [ "shown:a", [ "status(6)" ]; "quiet:", [ "status(1)" ] ]
            }
            test "without UPDATE_STATUS the monitor does not own the status: nothing is set" {
                case
                    (operational (single [ CreateIncident ]))
                    [ "shown:a", []; "a:X", []; "quiet:", [ "open(4)"; "hook(opened)" ] ]
            }
            test "an endpoint outside the window that fails shows over the maintenance" {
                let plan = planOf [ endpoint "a" 1 0 1 UI; endpoint "b" 1 0 1 UI ]

                case
                    (operational plan)
                    [
                        "shown:a", [ "status(6)" ]
                        "b:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        "b:ok", [ "status(6)"; "resolve #1"; "hook(resolved)" ]
                        "quiet:", [ "status(1)" ]
                    ]
            }
            test "an incident open before the window stays open under maintenance and is resolved on recovery" {
                case
                    (operational (single UI))
                    [
                        "a:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        "shown:a", [ "status(6)" ]
                        "a:X", []
                        "a:ok", [ "resolve #1"; "hook(resolved)" ]
                        "quiet:", [ "status(1)" ]
                    ]
            }
            test "a person's incident keeps its floor over the maintenance" {
                let start =
                    adopted
                        (single UI)
                        { emptyCachet MajorOutage with
                            Incidents = Map.ofList [ 7, ("Fire", false, false) ]
                            NextId = 8
                            Foreign = Set.ofList [ 7 ]
                        }

                case start [ "shown:a", []; "a:ok", [] ]
            }
            test "a retiring component is handed back operational, not under maintenance" {
                let state, _ =
                    run (operational (single UI)) (Quieted(shownInMaintenance [ "a" ])) |> fst

                let _, commands = ComponentMonitor.step state Retired
                Expect.equal (commands |> List.map render) [ "status(1)" ] "handed back"
            }
        ]

[<Tests>]
let offlineCases =
    testList
        "quiet: offline (connectivity guard)"
        [
            test "offline, failures write nothing; back online one write per component applies the truth" {
                case
                    (operational (single UI))
                    [
                        "offline", []
                        "a:P", []
                        "a:X", []
                        "online", [ "status(4)"; "open(4)"; "hook(opened)" ]
                    ]
            }
            test "offline, an open incident is not resolved until the monitor is back" {
                case
                    (operational (single UI))
                    [
                        "a:P", [ "status(3)"; "open(3)"; "hook(opened)" ]
                        "offline", []
                        "a:ok", []
                        "online", [ "status(1)"; "resolve #1"; "hook(resolved)" ]
                    ]
            }
            test "a flap while offline is not replayed: only the current truth is written" {
                case
                    (operational (single UI))
                    [ "offline", []; "a:P", []; "a:ok", []; "a:X", []; "a:ok", []; "online", [] ]
            }
            test "metric points are held while offline and pushed, oldest first, when back" {
                let plan = planOf [ endpoint "a" 1 0 1 [ UpdateStatus; PushMetrics ] ]
                let start = operational plan

                let steps =
                    [
                        Quieted offline
                        Checked("a", Passed 0.1, 10L)
                        Checked("a", Passed 0.2, 11L)
                        Quieted Quiet.none
                    ]

                let commands, _ =
                    steps
                    |> List.mapFold (fun current event -> run current event |> fun (n, c) -> c, n) start

                let points =
                    commands
                    |> List.map (
                        List.choose (fun c ->
                            match c with
                            | PushMetric p -> Some p.UnixSeconds
                            | _ -> None)
                    )

                Expect.equal points [ []; []; []; [ 10L; 11L ] ] "held, then released in order"
            }
            test "the points held back are bounded: the newest are kept" {
                let plan = planOf [ endpoint "a" 1 0 1 [ PushMetrics ] ]
                let start = operational plan |> fst
                let state, _ = ComponentMonitor.step start (Quieted offline)

                let state =
                    [ 1L .. 2000L ]
                    |> List.fold (fun s t -> ComponentMonitor.step s (Checked("a", Passed 0.1, t)) |> fst) state

                let _, released = ComponentMonitor.step state (Quieted Quiet.none)

                let times =
                    released
                    |> List.choose (fun c ->
                        match c with
                        | PushMetric p -> Some p.UnixSeconds
                        | _ -> None)

                Expect.isLessThan times.Length 2000 "bounded"
                Expect.equal (List.last times) 2000L "the newest kept"
                Expect.equal times (List.sort times) "oldest first"
            }
        ]

/// A random run of checks with endpoints entering and leaving maintenance.
let private quietRun =
    gen {
        let! steps =
            Gen.listOf (
                Gen.frequency
                    [
                        6,
                        Gen.zip (Gen.elements [ "a"; "b" ]) (Gen.elements [ "ok"; "D"; "P"; "X" ])
                        |> Gen.map Choice1Of2
                        1, Gen.subListOf [ "a"; "b" ] |> Gen.map (List.ofSeq >> Choice2Of2)
                    ]
            )

        return steps |> List.truncate 80
    }

let private worse a b =
    ComponentStatus.rank a > ComponentStatus.rank b

/// Every endpoint in maintenance, plainly or shown as under maintenance (Cachet 3's `maintenance_status`).
let private everyoneQuiet =
    [
        "plain", inMaintenance [ "a"; "b" ]
        "shown", shownInMaintenance [ "a"; "b" ]
    ]

[<Tests>]
let quietProperties =
    testList
        "quiet: properties"
        [
            for kind, quiet in everyoneQuiet do
                testProperty
                    $"while every endpoint is in maintenance ({kind}), no incident opens and no status gets worse"
                <| Prop.forAll (Arb.fromGen quietRun) (fun steps ->
                    let plan = planOf [ endpoint "a" 1 0 1 UI; endpoint "b" 1 1 1 UI ]
                    let start = operational plan

                    let (state, model), entered = run start (Quieted quiet)
                    // Shown as under maintenance, that status is the one write entering the window may make.
                    let allowed =
                        if quiet.ShownInMaintenance.IsEmpty then
                            []
                        else
                            [ "status(6)" ]

                    Expect.equal (entered |> List.map render) allowed "entering the window"

                    steps
                    |> List.fold
                        (fun (current: ComponentState * Model) step ->
                            match step with
                            | Choice1Of2(name, v) ->
                                let before = (snd current).Status
                                let next, commands = run current (Checked(name, verdict v, 0L))

                                for command in commands do
                                    match command with
                                    | OpenIncident _ -> failtest "opened an incident in maintenance"
                                    | SetStatus write when worse write.Status before ->
                                        failtest $"status {write.Status} worse than {before}"
                                    | _ -> ()

                                next
                            | Choice2Of2 _ -> current)
                        (state, model)
                    |> ignore)

                testProperty $"leaving maintenance ({kind}) gives the state the same checks give without it"
                <| Prop.forAll (Arb.fromGen quietRun) (fun steps ->
                    let plan = planOf [ endpoint "a" 1 0 1 UI; endpoint "b" 1 1 1 UI ]

                    let checks =
                        steps
                        |> List.choose (fun s ->
                            match s with
                            | Choice1Of2 check -> Some check
                            | _ -> None)

                    let through quiet =
                        let start = run (operational plan) (Quieted quiet) |> fst

                        let after =
                            checks
                            |> List.fold
                                (fun current (name, v) -> run current (Checked(name, verdict v, 0L)) |> fst)
                                start

                        run after (Quieted Quiet.none) |> fst

                    let quietState, quietModel = through quiet
                    let plainState, plainModel = through Quiet.none
                    Expect.equal quietModel.Status plainModel.Status "same status in Cachet"
                    Expect.equal (unresolved quietModel).Length (unresolved plainModel).Length "as many open incidents"

                    Expect.equal
                        (ComponentMonitor.downSeverities quietState)
                        (ComponentMonitor.downSeverities plainState)
                        "same truth")
        ]
