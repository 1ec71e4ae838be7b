module CachetMonitor.Tests.Domain.ComponentMonitorTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support.ComponentDriver

let private UI = [ UpdateStatus; CreateIncident ]

/// Cachet showing the component operational with no incident: where most cases start.
let private operational plan = adopted plan (emptyCachet Operational)

let private writesAndHooks (_: string) = true
let private noMetrics (rendered: string) = not (rendered.StartsWith "metric")

/// Asserts a case table: each step's rendered commands.
let private case start (rows: (string * string list) list) =
    let commands, _ = playFrom start noMetrics (rows |> List.map fst)

    List.zip rows commands
    |> List.iteri (fun i ((step, expected), actual) -> Expect.equal actual expected $"step {i + 1} ({step})")

let private single allowedFails successThreshold actions =
    planOf [ endpoint "a" 1 allowedFails successThreshold actions ]

let private pair (a: Endpoint) (b: Endpoint) = planOf [ a; b ]

let private both = pair (endpoint "a" 1 0 1 UI) (endpoint "b" 1 0 1 UI)

/// Cachet with incidents already open (id, name, tagged) and a status.
let private cachetWith status (incidents: (int * string * bool) list) =
    { emptyCachet status with
        Incidents =
            incidents
            |> List.map (fun (id, name, tagged) -> id, (name, false, tagged))
            |> Map.ofList
        NextId = 100
    }

let private opened = "hook(opened)"
let private changed = "hook(changed)"
let private resolved = "hook(resolved)"

[<Tests>]
let singleEndpointCases =
    testList
        "one endpoint per component (the state-machine reference's cases)"
        [
            test "1: down on the first failure, recovered on the first pass" {
                case
                    (operational (single 0 1 UI))
                    [
                        "a:ok", []
                        "a:P", [ "status(3)"; "open(3)"; opened ]
                        "a:P", []
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "2: allowed_fails 2 needs three failures in a row" {
                case
                    (operational (single 2 1 UI))
                    [
                        "a:P", []
                        "a:P", []
                        "a:ok", []
                        "a:P", []
                        "a:P", []
                        "a:P", [ "status(3)"; "open(3)"; opened ]
                        "a:P", []
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "3: success_threshold 2 needs two passes in a row" {
                case
                    (operational (single 0 2 UI))
                    [
                        "a:P", [ "status(3)"; "open(3)"; opened ]
                        "a:ok", []
                        "a:P", []
                        "a:ok", []
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "4: UPDATE_STATUS alone sets statuses, no incidents, no hooks" {
                case
                    (operational (single 0 1 [ UpdateStatus ]))
                    [ "a:P", [ "status(3)" ]; "a:X", [ "status(4)" ]; "a:ok", [ "status(1)" ] ]
            }
            test "5: CREATE_INCIDENT alone opens, updates and resolves" {
                case
                    (operational (single 0 1 [ CreateIncident ]))
                    [
                        "a:P", [ "open(3)"; opened ]
                        "a:X", [ "update(4)"; changed ]
                        "a:ok", [ "resolve #1"; resolved ]
                    ]
            }
            test "7: the order of actions never matters" {
                let commandsOf actions =
                    playFrom (operational (single 0 1 actions)) writesAndHooks [ "a:P"; "a:X"; "a:ok" ]
                    |> fst

                Expect.equal
                    (commandsOf [ CreateIncident; UpdateStatus ])
                    (commandsOf [ UpdateStatus; CreateIncident ])
                    "same commands"
            }
            test "8: the crossing check's severity opens the incident" {
                case (operational (single 1 1 UI)) [ "a:P", []; "a:X", [ "status(4)"; "open(4)"; opened ] ]
            }
            test "9: blips never show" {
                case (operational (single 1 1 UI)) [ "a:P", []; "a:ok", []; "a:P", []; "a:ok", [] ]
            }
            test "10: an adopted incident of ours is resolved on recovery" {
                let start =
                    adopted (single 0 1 UI) (cachetWith PartialOutage [ 41, "a is unavailable", false ])

                case start [ "a:ok", [ "status(1)"; "resolve #41"; resolved ] ]
            }
            test "11: an adopted outage without incident opens one on the next failure" {
                let start = adopted (single 0 1 UI) (emptyCachet PartialOutage)

                case
                    start
                    [
                        "a:P", [ "open(3)"; opened ]
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "12: an adopted outage with UPDATE_STATUS alone recovers" {
                case (adopted (single 0 1 [ UpdateStatus ]) (emptyCachet PartialOutage)) [ "a:ok", [ "status(1)" ] ]
            }
            test "13: an adopted incident on an operational component is resolved" {
                let start =
                    adopted (single 0 1 UI) (cachetWith Operational [ 7, "a is unavailable", true ])

                case start [ "a:ok", [ "resolve #7"; resolved ] ]
            }
            test "14: an unknown status is set on the first pass" {
                case
                    (adopted (single 0 1 [ UpdateStatus ]) (emptyCachet Unknown))
                    [ "a:ok", [ "status(1)" ]; "a:P", [ "status(3)" ] ]
            }
            test "a failure under allowed_fails writes nothing, not even over an unknown status" {
                case
                    (adopted (single 2 1 [ UpdateStatus ]) (emptyCachet Unknown))
                    [ "a:P", []; "a:P", []; "a:ok", [ "status(1)" ] ]
            }
            test "6: metrics for every response, none for a time-out" {
                let plan = single 0 1 [ UpdateStatus; CreateIncident; PushMetrics ]

                let steps =
                    [
                        Passed 0.120
                        Failed
                            {
                                Severity = Partial
                                Message = httpMessage
                                LatencySeconds = Some 0.080
                                ResponseStatus = None
                                CertificateDaysLeft = None
                            }
                        Failed
                            {
                                Severity = Performance
                                Message = "Request timed out"
                                LatencySeconds = None
                                ResponseStatus = None
                                CertificateDaysLeft = None
                            }
                        Passed 0.090
                    ]

                let rendered, _ =
                    steps
                    |> List.mapFold
                        (fun current v ->
                            let next, commands = run current (Checked("a", v, 1_700_000_000L))
                            commands |> List.map render, next)
                        (operational plan)

                Expect.equal
                    rendered
                    [
                        [ "metric(120)" ]
                        [ "metric(80)"; "status(3)"; "open(3)"; opened ]
                        [ "status(2)"; "update(2)"; changed ]
                        [ "metric(90)"; "status(1)"; "resolve #1"; resolved ]
                    ]
                    "metrics, statuses, incidents"
            }
            test "15: the incident carries the check's message and the title for its severity" {
                let _, commands = run (operational (single 0 1 UI)) (Checked("a", verdict "P", 0L))

                let create =
                    commands
                    |> List.pick (fun c ->
                        match c with
                        | OpenIncident create -> Some create
                        | _ -> None)

                Expect.equal create.Title "a is unavailable" "outage title"
                Expect.equal create.Message httpMessage "the check's message"
                Expect.equal create.ComponentStatus PartialOutage "sets the component"
                Expect.equal create.Tag "1" "tagged with the component"
            }
        ]

[<Tests>]
let componentCases =
    testList
        "several endpoints on one component (C1–C5)"
        [
            test "C1: the worst severity wins, the last recovery resolves" {
                case
                    (operational both)
                    [
                        "a:P", [ "status(3)"; "open(3)"; opened ]
                        "b:X", [ "status(4)"; "update(4)"; changed ]
                        "a:ok", []
                        "b:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "C2: one recovering while the other is down changes nothing" {
                case
                    (operational both)
                    [
                        "a:P", [ "status(3)"; "open(3)"; opened ]
                        "b:P", []
                        "a:ok", []
                        "b:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "C3: each endpoint debounces on its own" {
                case
                    (operational (pair (endpoint "a" 1 2 1 UI) (endpoint "b" 1 0 1 UI)))
                    [
                        "a:P", []
                        "b:P", [ "status(3)"; "open(3)"; opened ]
                        "a:P", []
                        "a:P", []
                        "b:ok", []
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]
            }
            test "C4: an incident carries the component's wanted status" {
                let start =
                    operational (pair (endpoint "a" 1 0 1 UI) (endpoint "b" 1 0 1 [ UpdateStatus ]))

                case
                    start
                    [
                        "b:X", [ "status(4)" ]
                        "a:P", [ "open(3)"; opened ]
                        "b:ok", [ "status(3)" ]
                        "a:ok", [ "status(1)"; "resolve #1"; resolved ]
                    ]

                let afterB, _ = run start (Checked("b", verdict "X", 0L))
                let _, commands = run afterB (Checked("a", verdict "P", 0L))

                let carried =
                    commands
                    |> List.pick (fun c ->
                        match c with
                        | OpenIncident create -> Some create.ComponentStatus
                        | _ -> None)

                Expect.equal carried MajorOutage "the open sets the component to the wanted 4"
            }
            test "C5: an incident adopted once, by the component, resolved when both are up" {
                let start =
                    adopted both (cachetWith PartialOutage [ 41, "a is unavailable", false ])

                case start [ "a:ok", []; "b:ok", [ "status(1)"; "resolve #41"; resolved ] ]
            }
            test "the original's README example: two endpoints on component 2 never resolve each other's outage" {
                let amazon = endpoint "Amazon" 2 0 1 UI
                let insecure = endpoint "Insecure-site" 2 0 1 UI

                let commands, (_, model) =
                    playFrom
                        (operational (pair amazon insecure))
                        writesAndHooks
                        [ "Amazon:P"; "Insecure-site:P"; "Insecure-site:ok" ]

                Expect.equal (unresolved model) [ 1 ] "one incident, still open"
                Expect.equal model.Status PartialOutage "still partial outage"

                Expect.equal
                    (List.concat commands |> List.filter (fun c -> c.StartsWith "open"))
                    [ "open(3)" ]
                    "opened once"
            }
            test "the order of endpoints in the config does not change the decisions" {
                let steps = [ "a:P"; "b:X"; "a:ok"; "b:D"; "b:ok" ]
                let forward = playFrom (operational both) noMetrics steps |> fst

                let backward =
                    playFrom (operational (pair (endpoint "b" 1 0 1 UI) (endpoint "a" 1 0 1 UI))) noMetrics steps
                    |> fst

                Expect.equal backward forward "same commands"
            }
        ]

/// Marks incident `id` resolved in the model, as a person would in Cachet's dashboard.
let private resolveByHand id (model: Model) =
    let name, _, tagged = model.Incidents[id]

    { model with
        Incidents = Map.add id (name, true, tagged) model.Incidents
    }

[<Tests>]
let ownershipCases =
    testList
        "incident ownership (O1–O3)"
        [
            test "O1: a foreign incident is left alone and its status kept" {
                let start =
                    adopted (single 0 1 UI) (cachetWith PartialOutage [ 5, "Database maintenance", false ])

                let commands, (_, model) = playFrom start writesAndHooks [ "a:ok"; "a:ok" ]
                Expect.equal commands [ []; [] ] "nothing written"
                Expect.equal (unresolved model) [ 5 ] "the foreign incident is still open"
            }
            test "O2: our incident opens beside a foreign one and recovery goes back to its floor" {
                let start =
                    adopted (single 0 1 UI) (cachetWith PerformanceIssues [ 5, "Slow database", false ])

                let commands, (_, model) = playFrom start writesAndHooks [ "a:X"; "a:ok" ]

                Expect.equal
                    commands
                    [
                        [ "status(4)"; "open(4)"; opened ]
                        [ "status(2)"; "resolve #100"; resolved ]
                    ]
                    "ours opened and resolved, status back to the foreign floor"

                Expect.equal (unresolved model) [ 5 ] "the foreign incident is untouched"
                Expect.equal model.Status PerformanceIssues "floor"
            }
            test "O3: ours resolved by a person is forgotten; no reopen until a recovers and goes down again" {
                let _, (state, model) =
                    playFrom (operational (single 0 1 UI)) writesAndHooks [ "a:P" ]

                let model = resolveByHand 1 model
                let (state, model), _ = run (state, model) (Resynced(viewOf model, state.Version))
                Expect.isNone state.Incident "forgotten"

                let commands, (_, model) =
                    playFrom (state, model) writesAndHooks [ "a:X"; "a:ok"; "a:P" ]

                Expect.equal
                    commands
                    [ [ "status(4)" ]; [ "status(1)" ]; [ "status(3)"; "open(3)"; opened ] ]
                    "status follows; the incident only at the next transition"

                Expect.equal (unresolved model) [ 2 ] "one new incident"
            }
            test "an older version's incident (named with our title) is adopted, a person's is not" {
                let start =
                    adopted
                        (single 0 1 UI)
                        (cachetWith PartialOutage [ 8, "Checking the network", false; 9, "a is unavailable", false ])

                let commands, (_, model) = playFrom start writesAndHooks [ "a:ok" ]

                Expect.equal
                    commands
                    [ [ "resolve #9"; resolved ] ]
                    "ours resolved, the status kept at the foreign floor"

                Expect.equal model.Status PartialOutage "floor"
                Expect.equal (unresolved model) [ 8 ] "the person's incident stays"
            }
            test "duplicates of ours left by a crash are resolved one by one, the newest kept" {
                let start =
                    adopted
                        (single 0 1 UI)
                        (cachetWith PartialOutage [ 10, "a is unavailable", true; 11, "a is unavailable", true ])

                let _, model = start
                Expect.equal (unresolved model) [ 11 ] "the older duplicate resolved at adoption"
                let _, (_, model) = playFrom start writesAndHooks [ "a:ok" ]
                Expect.equal (unresolved model) [] "all resolved on recovery"
            }
            test "a status a person changed is put back at the next resync" {
                let _, (state, model) =
                    playFrom (operational (single 0 1 UI)) writesAndHooks [ "a:ok" ]

                let edited = { model with Status = MajorOutage }

                let (_, model), commands =
                    run (state, edited) (Resynced(viewOf edited, state.Version))

                Expect.equal (commands |> List.map render) [ "status(1)" ] "corrected"
                Expect.equal model.Status Operational "operational again"
            }
        ]

[<Tests>]
let lifecycleCases =
    testList
        "writes, restarts and reloads"
        [
            test "a flapping endpoint against a slow Cachet queues one incident write, then its current truth" {
                let start = operational (single 0 1 UI)

                let (state, _), commands =
                    [ for _ in 1..50 -> [ "P"; "ok" ] ]
                    |> List.concat
                    |> List.fold
                        (fun ((s, m), all) v ->
                            // Nothing is acknowledged: Cachet has not answered yet.
                            let s, commands = ComponentMonitor.step s (Checked("a", verdict v, 0L))
                            (s, m), all @ commands)
                        (start, [])

                let incidentWrites =
                    commands
                    |> List.filter (fun c ->
                        match c with
                        | OpenIncident _
                        | UpdateIncident _
                        | ResolveIncident _ -> true
                        | _ -> false)

                Expect.equal (incidentWrites |> List.map render) [ "open(3)" ] "only the first open"
                let write = state.Pending.Value.Write
                let _, after = ComponentMonitor.step state (IncidentOpened(write, 1))

                // The create set the component to 3 in Cachet: the status goes back too.
                Expect.equal (after |> List.map render) [ "status(1)"; "resolve #1" ] "then the current truth: up"
            }
            test "an outcome for a write no longer pending is ignored" {
                let _, (state, _) = playFrom (operational (single 0 1 UI)) writesAndHooks [ "a:P" ]
                let next, commands = ComponentMonitor.step state (IncidentOpened(999, 77))
                Expect.equal next state "unchanged"
                Expect.isEmpty commands "nothing"
            }
            test "a refused open is not retried until the endpoint recovers" {
                let state, _ = operational (single 0 1 UI)
                let state, _ = ComponentMonitor.step state (Checked("a", verdict "P", 0L))

                let state, _ =
                    ComponentMonitor.step state (IncidentRefused state.Pending.Value.Write)

                let state, again = ComponentMonitor.step state (Checked("a", verdict "X", 0L))
                Expect.equal (again |> List.map render) [ "status(4)" ] "no second open"
                let _, recovered = ComponentMonitor.step state (Checked("a", verdict "ok", 0L))
                Expect.equal (recovered |> List.map render) [ "status(1)"; resolved ] "webhooks close what they opened"
            }
            test "killed after Cachet created the incident but before the answer: the restart adopts it" {
                let state, model = operational (single 0 1 UI)
                let _, commands = ComponentMonitor.step state (Checked("a", verdict "P", 0L))
                // The writes land, the process dies before it hears back.
                let model = commands |> List.fold (fun m c -> fst (execute m c)) model
                let restarted = adopted (single 0 1 UI) model
                let after, (_, model) = playFrom restarted writesAndHooks [ "a:P"; "a:ok" ]
                Expect.equal after [ []; [ "status(1)"; "resolve #1"; resolved ] ] "no second incident"
                Expect.equal (unresolved model) [] "none left open"
            }
            test "a component removed by reload gets our incident resolved and its status put back" {
                let _, (state, model) =
                    playFrom (operational (single 0 1 UI)) writesAndHooks [ "a:P" ]

                let (state, model), commands = run (state, model) Retired
                Expect.equal (commands |> List.map render) [ "status(1)"; "resolve #1"; resolved ] "put back"

                let message =
                    commands
                    |> List.pick (fun c ->
                        match c with
                        | ResolveIncident r -> Some r.Message
                        | _ -> None)

                Expect.stringContains message "no longer monitored" "says why"
                Expect.isTrue (ComponentMonitor.isSettled state) "settled"
                Expect.equal (unresolved model) [] "nothing open"
            }
            test "reload keeps an unchanged endpoint's state and drops a removed one's" {
                let a = endpoint "a" 1 0 1 UI
                let b = endpoint "b" 1 0 1 UI

                let _, (state, model) =
                    playFrom (operational (pair a b)) writesAndHooks [ "a:P"; "b:X" ]

                let (state, model), commands = run (state, model) (Reconfigured(planOf [ a ]))
                Expect.equal (commands |> List.map render) [ "status(3)"; "update(3)"; changed ] "b's outage is gone"
                let (_, model), _ = run (state, model) (Checked("a", verdict "ok", 0L))
                Expect.equal (unresolved model) [] "a's recovery resolves"
            }
            test
                "our incident on a status-only component is left alone, then resolved when a reload adds CREATE_INCIDENT" {
                let statusOnly = single 0 1 [ UpdateStatus ]
                let model = cachetWith Operational [ 3, "a is unavailable", true ]
                let state, model = adopted statusOnly model
                let steps, (state, model) = playFrom (state, model) writesAndHooks [ "a:ok" ]
                Expect.equal steps [ [] ] "neither touched nor a floor"
                let (_, model), commands = run (state, model) (Reconfigured(single 0 1 UI))
                Expect.equal (commands |> List.map render) [ "resolve #3" ] "taken over: nobody is down"
                Expect.equal (unresolved model) [] "nothing open"
            }
            test "a reload adding CREATE_INCIDENT while the endpoint is down keeps our incident instead of opening one" {
                let statusOnly = single 0 1 [ UpdateStatus ]
                let model = cachetWith PartialOutage [ 3, "a is unavailable", true ]
                let state, model = adopted statusOnly model
                let (state, model), reloaded = run (state, model) (Reconfigured(single 0 1 UI))
                Expect.equal (reloaded |> List.map render) [] "the inherited outage writes nothing"
                let after, (_, model) = playFrom (state, model) writesAndHooks [ "a:X"; "a:ok" ]

                Expect.equal
                    (after |> List.map (List.filter (fun c -> not (c.StartsWith "hook"))))
                    [ [ "status(4)"; "update(4)" ]; [ "status(1)"; "resolve #3" ] ]
                    "the kept incident is updated and resolved"

                Expect.equal (unresolved model) [] "nothing open"
            }
            test "a new Cachet instance is adopted afresh; nothing is written before" {
                let _, (state, _) = playFrom (operational (single 0 1 UI)) writesAndHooks [ "a:P" ]
                let state, none = ComponentMonitor.step state CachetChanged
                let state, stillNone = ComponentMonitor.step state (Checked("a", verdict "P", 0L))
                Expect.isEmpty (none @ stillNone) "no writes while not adopted"

                let _, commands =
                    run (state, emptyCachet Operational) (Adopted(viewOf (emptyCachet Operational)))

                Expect.equal
                    (commands |> List.map render)
                    [ "status(3)"; "open(3)" ]
                    "the outage written to the new instance"
            }
            test "checks before adoption are counted, their truth written once Cachet is read" {
                let plan = single 0 1 UI

                let state, early =
                    ComponentMonitor.step (ComponentMonitor.initial plan) (Checked("a", verdict "ok", 0L))

                Expect.isEmpty early "nothing before adoption"

                let _, commands =
                    run
                        (state, cachetWith PartialOutage [ 3, "a is unavailable", true ])
                        (Adopted(viewOf (cachetWith PartialOutage [ 3, "a is unavailable", true ])))

                Expect.equal
                    (commands |> List.map render)
                    [ "status(1)"; "resolve #3"; resolved ]
                    "replayed onto Cachet's state"
            }
            test "allowed_fails at the largest int never overflows" {
                let state, _ = operational (single System.Int32.MaxValue 1 UI)

                let state =
                    { state with
                        Members =
                            state.Members
                            |> Map.map (fun _ (s: MemberState) ->
                                { s with
                                    Failures = System.Int32.MaxValue
                                })
                    }

                let next, commands = ComponentMonitor.step state (Checked("a", verdict "P", 0L))
                Expect.isEmpty commands "still under the threshold"
                Expect.equal next.Members["a"].Failures System.Int32.MaxValue "saturates"
            }
        ]
