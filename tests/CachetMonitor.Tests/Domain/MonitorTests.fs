module CachetMonitor.Tests.Domain.MonitorTests

open Expecto
open CachetMonitor.Domain

let private titles =
    {
        Outage = "api is unavailable"
        Performance = "api has degraded performance"
        Operational = "api is operational"
    }

let private policy allowedFails successThreshold actions =
    {
        AllowedFails = allowedFails
        SuccessThreshold = successThreshold
        Actions = Set.ofList actions
        LatencyUnit = Milliseconds
        Titles = titles
        PublicIncidents = true
    }

/// A component Cachet shows operational, without an incident: where cases 1–9 and 15 start.
let private fresh policy = Monitor.adopt policy Operational None

let private url = "http://api.example/health"

let private ok = Passed 0.1
let private okIn seconds = Passed seconds

let private failing severity message latency =
    Failed
        {
            Severity = severity
            Message = message
            LatencySeconds = latency
        }

let private httpMessage = "Unexpected HTTP status (503)"

let private D =
    failing Performance "Latency above threshold: 2.0000 seconds" (Some 2.0)

let private P = failing Partial httpMessage (Some 0.1)
let private X = failing Major httpMessage (Some 0.1)

let private pIn seconds =
    failing Partial httpMessage (Some seconds)

/// Verdicts of a probe that got no response, as `Expectation.evaluate` gives them with the default severities.
let private noResponse observation =
    Expectation.evaluate Performance Partial $"GET {url}" [] observation

let private T = noResponse TimedOut
let private Unr = noResponse (Unreachable "")

let private messageOf verdict =
    match verdict with
    | Failed failure -> failure.Message
    | Passed _ -> ""

let private status code =
    match ComponentStatus.ofCode code with
    | Some s -> SetComponentStatus s
    | None -> failwith $"no status {code}"

let private severityOf code =
    match ComponentStatus.ofCode code |> Option.bind Severity.ofComponentStatus with
    | Some severity -> severity
    | None -> failwith $"no severity {code}"

let private titleOf code =
    Titles.forSeverity titles (severityOf code)

let private openIncident code message =
    OpenIncident
        {
            Severity = severityOf code
            Title = titleOf code
            Message = message
            Visible = true
        }

let private update code message =
    UpdateIncident
        {
            IncidentId = None
            Severity = severityOf code
            Title = titleOf code
            Message = message
            Visible = true
        }

let private resolveIncident incidentId =
    ResolveIncident
        {
            IncidentId = incidentId
            Title = titles.Operational
            Visible = true
        }

let private resolve = resolveIncident None

let private hook event title message =
    NotifyWebhooks
        {
            Event = event
            Title = title
            Message = message
        }

let private opened code message = hook Opened (titleOf code) message
let private changed code message = hook Changed (titleOf code) message
let private resolved = hook Resolved titles.Operational titles.Operational

/// Steps each verdict in turn and collects each check's commands.
let private run policy start verdicts =
    verdicts
    |> List.mapFold (fun state verdict -> Monitor.step policy state verdict |> fun (s, c) -> c, s) start
    |> fst

let private expectCase policy start (checks: (Verdict * MonitorCommand list) list) =
    let actual = run policy start (List.map fst checks)

    List.zip checks actual
    |> List.iteri (fun i ((_, expected), got) -> Expect.equal got expected $"commands of check %d{i + 1}")

let private case1Checks =
    [
        ok, []
        P, [ status 3; openIncident 3 httpMessage; opened 3 httpMessage ]
        P, []
        ok, [ status 1; resolve; resolved ]
    ]

let private endpoint: Endpoint =
    {
        Name = "api"
        RawUrl = "api.example/health"
        Url = url
        Method = "get"
        Headers = []
        Body = None
        TimeoutSeconds = 1.0
        Insecure = false
        Expectations =
            [
                {
                    Kind =
                        HttpStatus
                            [
                                match StatusRange.create 200 300 with
                                | Ok r -> r
                                | Error e -> failwith e
                            ]
                    Severity = Major
                }
            ]
        AllowedFails = 2
        SuccessThreshold = 3
        ComponentId = 7
        MetricId = Some 9
        LatencyUnit = Seconds
        Actions = Set.ofList [ CreateIncident; PushMetrics ]
        PublicIncidents = false
        FrequencySeconds = 30.0
        OnTimeout = Major
        OnUnreachable = Performance
        Titles = titles
        TemplateValues = Map.empty
    }

[<Tests>]
let tests =
    testList
        "Monitor"
        [
            testList
                "worked cases"
                [
                    test "case 1: A0 S1 {U,I} opens on the first failure and resolves on the first pass" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident ]
                        expectCase p (fresh p) case1Checks
                    }

                    test "case 2: A2 S1 {U,I} goes down on the third consecutive failure only" {
                        let p = policy 2 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (fresh p)
                            [
                                P, []
                                P, []
                                ok, []
                                P, []
                                P, []
                                P, [ status 3; openIncident 3 httpMessage; opened 3 httpMessage ]
                                P, []
                                ok, [ status 1; resolve; resolved ]
                            ]
                    }

                    test "case 3: A0 S2 {U,I} needs two consecutive passes to recover" {
                        let p = policy 0 2 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (fresh p)
                            [
                                P, [ status 3; openIncident 3 httpMessage; opened 3 httpMessage ]
                                ok, []
                                P, []
                                ok, []
                                ok, [ status 1; resolve; resolved ]
                            ]
                    }

                    test "case 4: A0 S1 {U} only sets statuses, with no incidents or hooks" {
                        let p = policy 0 1 [ UpdateStatus ]
                        expectCase p (fresh p) [ P, [ status 3 ]; X, [ status 4 ]; ok, [ status 1 ] ]
                    }

                    test "case 5: A0 S1 {I} opens, updates and resolves the incident with hooks" {
                        let p = policy 0 1 [ CreateIncident ]

                        expectCase
                            p
                            (fresh p)
                            [
                                P, [ openIncident 3 httpMessage; opened 3 httpMessage ]
                                X, [ update 4 httpMessage; changed 4 httpMessage ]
                                ok, [ resolve; resolved ]
                            ]
                    }

                    test "case 6: A0 S1 {U,I,M} pushes a metric for every response and none for a time-out" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident; PushMetrics ]

                        expectCase
                            p
                            (fresh p)
                            [
                                okIn 0.125, [ PushMetric 125.0 ]
                                pIn 0.0625,
                                [ PushMetric 62.5; status 3; openIncident 3 httpMessage; opened 3 httpMessage ]
                                T, [ status 2; update 2 "Request timed out"; changed 2 "Request timed out" ]
                                okIn 0.09375, [ PushMetric 93.75; status 1; resolve; resolved ]
                            ]
                    }

                    test "case 7: A0 S1 {I,U} is identical to case 1" {
                        let p =
                            { policy 0 1 [] with
                                Actions = Set.ofList [ CreateIncident; UpdateStatus ]
                            }

                        expectCase p (fresh p) case1Checks
                    }

                    test "case 8: A1 S1 {U,I} goes down with the severity of the crossing check" {
                        let p = policy 1 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (fresh p)
                            [ P, []; X, [ status 4; openIncident 4 httpMessage; opened 4 httpMessage ] ]
                    }

                    test "case 9: A1 S1 {U,I} never shows blips" {
                        let p = policy 1 1 [ UpdateStatus; CreateIncident ]
                        expectCase p (fresh p) [ P, []; ok, []; P, []; ok, [] ]
                    }

                    test "case 10: an adopted incident (status 3, #41) is resolved by id on the first pass" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (Monitor.adopt p PartialOutage (Some 41))
                            [ ok, [ status 1; resolveIncident (Some 41); resolved ] ]
                    }

                    test "case 11: adopted status 3 without an incident opens one without setting the status again" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (Monitor.adopt p PartialOutage None)
                            [
                                P, [ openIncident 3 httpMessage; opened 3 httpMessage ]
                                ok, [ status 1; resolve; resolved ]
                            ]
                    }

                    test "case 12: adopted status 3 under {U} is set operational on the first pass" {
                        let p = policy 0 1 [ UpdateStatus ]
                        expectCase p (Monitor.adopt p PartialOutage None) [ ok, [ status 1 ] ]
                    }

                    test "case 13: adopted status 1 with incident #7 resolves the incident without a status change" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (Monitor.adopt p Operational (Some 7))
                            [ ok, [ resolveIncident (Some 7); resolved ] ]
                    }

                    test "case 14: adopted status 0 is set operational by the first pass" {
                        let p = policy 0 1 [ UpdateStatus ]
                        expectCase p (Monitor.adopt p Unknown None) [ ok, [ status 1 ]; P, [ status 3 ] ]
                    }

                    test "case 15: unreachable opens a partial outage, a time-out moves it to performance" {
                        let p = policy 0 1 [ UpdateStatus; CreateIncident ]
                        let unreachable = $"The URL is unreachable: GET {url}"
                        Expect.equal (messageOf Unr) unreachable "unreachable message"

                        expectCase
                            p
                            (fresh p)
                            [
                                Unr, [ status 3; openIncident 3 unreachable; opened 3 unreachable ]
                                T, [ status 2; update 2 "Request timed out"; changed 2 "Request timed out" ]
                            ]
                    }
                ]

            testList
                "adopting Cachet's state"
                [
                    test "nothing known is up, without an incident, showing unknown" {
                        Expect.equal
                            Monitor.initial
                            {
                                Failures = 0
                                Successes = 0
                                Down = None
                                Shown = Unknown
                                Incident = None
                            }
                            "initial"
                    }

                    test "a failing status is down with that severity" {
                        let p = policy 0 1 [ UpdateStatus ]

                        for code in [ 2; 3; 4 ] do
                            let state = Monitor.adopt p (Option.get (ComponentStatus.ofCode code)) None
                            Expect.equal state.Down (Some(severityOf code)) $"status %d{code}"
                            Expect.isNone state.Incident "no incident"
                    }

                    test "an open incident on an operational or unknown component is a partial outage" {
                        let p = policy 0 1 [ CreateIncident ]

                        for shown in [ Unknown; Operational ] do
                            let state = Monitor.adopt p shown (Some 5)
                            Expect.equal state.Down (Some Partial) "down"
                            Expect.equal state.Incident (Some { Id = Some 5; Severity = Partial }) "incident"
                            Expect.equal state.Shown shown "shown"
                    }

                    test "the adopted incident takes the component's failing status as its severity" {
                        let state = Monitor.adopt (policy 0 1 [ CreateIncident ]) MajorOutage (Some 5)
                        Expect.equal state.Incident (Some { Id = Some 5; Severity = Major }) "incident"
                    }

                    test "an incident is not adopted without CREATE_INCIDENT" {
                        let state = Monitor.adopt (policy 0 1 [ UpdateStatus ]) Operational (Some 5)
                        Expect.isNone state.Incident "incident"
                        Expect.isNone state.Down "up"
                    }

                    test "an adopted outage without an incident waits for A+1 failures to open one" {
                        let p = policy 1 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (Monitor.adopt p PartialOutage None)
                            [ P, []; P, [ openIncident 3 httpMessage; opened 3 httpMessage ] ]
                    }

                    test "an adopted outage of another severity shows the check's severity at once" {
                        let p = policy 2 1 [ UpdateStatus; CreateIncident ]

                        expectCase
                            p
                            (Monitor.adopt p MajorOutage None)
                            [
                                P, [ status 3 ]
                                P, []
                                P, [ openIncident 3 httpMessage; opened 3 httpMessage ]
                            ]
                    }

                    test "a severity change of an adopted incident updates it by id" {
                        let p = policy 0 1 [ CreateIncident ]
                        let _, commands = Monitor.step p (Monitor.adopt p PartialOutage (Some 41)) X

                        Expect.equal
                            commands
                            [
                                UpdateIncident
                                    {
                                        IncidentId = Some 41
                                        Severity = Major
                                        Title = titles.Outage
                                        Message = httpMessage
                                        Visible = true
                                    }
                                changed 4 httpMessage
                            ]
                            "update #41"
                    }
                ]

            testList
                "details"
                [
                    test "the state tracks what Cachet shows and the incident it opened" {
                        let p = policy 0 1 [ CreateIncident ]
                        let state, _ = Monitor.step p (fresh p) D

                        Expect.equal
                            state
                            {
                                Failures = 1
                                Successes = 0
                                Down = Some Performance
                                Shown = PerformanceIssues
                                Incident = Some { Id = None; Severity = Performance }
                            }
                            "down with a performance incident"
                    }

                    test "incidents are visible only with public incidents" {
                        let p =
                            { policy 0 1 [ CreateIncident ] with
                                PublicIncidents = false
                            }

                        match Monitor.step p (fresh p) P with
                        | _, OpenIncident opening :: _ -> Expect.isFalse opening.Visible "hidden"
                        | _, other -> failtest $"expected an opening, got %A{other}"
                    }

                    test "no metric is pushed without PUSH_METRICS" {
                        let p = policy 0 1 [ UpdateStatus ]
                        Expect.equal (Monitor.step p (fresh p) ok |> snd) [] "no metric"
                    }

                    test "a metric is pushed in the policy's latency unit" {
                        let p =
                            { policy 0 1 [ PushMetrics ] with
                                LatencyUnit = Minutes
                            }

                        Expect.equal (Monitor.step p (fresh p) (okIn 30.0) |> snd) [ PushMetric 0.5 ] "minutes"
                    }

                    test "a failing response with an empty message notifies the title instead" {
                        let p = policy 0 1 [ CreateIncident ]
                        let silent = failing Partial "" (Some 0.1)

                        Expect.contains
                            (Monitor.step p (fresh p) silent |> snd)
                            (hook Opened titles.Outage titles.Outage)
                            "title as message"
                    }
                ]

            testList
                "endpoint"
                [
                    test "the policy copies the endpoint's monitoring settings" {
                        Expect.equal
                            (Monitor.policyOf endpoint)
                            {
                                AllowedFails = 2
                                SuccessThreshold = 3
                                Actions = Set.ofList [ CreateIncident; PushMetrics ]
                                LatencyUnit = Seconds
                                Titles = titles
                                PublicIncidents = false
                            }
                            "policy"
                    }

                    test "an endpoint's observation is judged with its own severities and request" {
                        Expect.equal
                            (Monitor.evaluate endpoint TimedOut)
                            (failing Major "Request timed out" None)
                            "time-out"

                        Expect.equal
                            (Monitor.evaluate endpoint (Unreachable "refused"))
                            (failing Performance $"The URL is unreachable: get {url} (refused)" None)
                            "unreachable"

                        Expect.equal
                            (Monitor.evaluate
                                endpoint
                                (Responded
                                    {
                                        StatusCode = 500
                                        LatencySeconds = 0.3
                                        Body = ""
                                    }))
                            (failing Major "Unexpected HTTP status (500)" (Some 0.3))
                            "expectation"
                    }
                ]
        ]
