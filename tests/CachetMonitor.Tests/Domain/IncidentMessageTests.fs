/// The incident message templates (`incident_*_message`): rendering, validation at load, per-endpoint overrides,
/// and the original's messages when none is written.
module CachetMonitor.Tests.Domain.IncidentMessageTests

open System
open Expecto
open FsCheck
open CachetMonitor.Domain
open CachetMonitor.Tests.Support
open CachetMonitor.Tests.Support.ComponentDriver

/// A config of endpoints `api` and `web` (component 1 and 2, CREATE_INCIDENT, each with a `team` key) with
/// `messages` lines and extra lines for `api`.
let private configText (messages: string list) (apiExtra: string list) =
    [
        "endpoints:"
        yield! ConfigText.endpoint ([ "action: [CREATE_INCIDENT, UPDATE_STATUS]"; "team: payments" ] @ apiExtra)
        "  - name: web"
        "    url: http://web.example/"
        "    method: GET"
        "    timeout: 1"
        "    frequency: 30"
        "    component_id: 2"
        "    team: storefront"
        "    action: [CREATE_INCIDENT]"
        "    expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
        "cachet:"
        "  api_url: https://status.example.com/api/v1"
        "  token: t"
        if not messages.IsEmpty then
            "messages:"
        yield! messages |> List.map (fun line -> "  " + line)
    ]
    |> String.concat "\n"

let private parse messages apiExtra =
    ConfigParser.parse TestTimeZones.lookup (fun _ -> None) (configText messages apiExtra)

let private endpoints messages apiExtra =
    match parse messages apiExtra with
    | Ok parsed -> parsed.Config.Endpoints
    | Error issues -> failtest $"config refused: %A{issues}"

let private errors messages apiExtra =
    match parse messages apiExtra with
    | Ok _ -> failtest "config accepted"
    | Error issues -> issues |> List.map ConfigIssue.render

let private failure severity message =
    {
        Severity = severity
        Message = message
        LatencySeconds = Some 0.2504
        ResponseStatus = Some 503
        CertificateDaysLeft = None
    }

/// The incident writes (open/update/resolve messages) and webhook messages of a run of verdicts on `endpoint`.
let private messagesOf (endpoint: Endpoint) (verdicts: Verdict list) =
    let plan = planOf [ endpoint ]
    let start = adopted plan (emptyCachet Operational)

    verdicts
    |> List.mapFold
        (fun current verdict ->
            let next, commands = run current (Checked(endpoint.Name, verdict, 1_700_000_000L))

            commands
            |> List.choose (fun command ->
                match command with
                | OpenIncident create -> Some $"open: {create.Message}"
                | UpdateIncident update -> Some $"update: {update.Message}"
                | ResolveIncident resolve -> Some $"resolve: {resolve.Message}"
                | Notify notice -> Some $"hook {IncidentEvent.name notice.Notice.Event}: {notice.Notice.Message}"
                | SetStatus _
                | PushMetric _ -> None),
            next)
        start
    |> fst
    |> List.concat

[<Tests>]
let tests =
    testList
        "incident messages"
        [
            test "a template renders the failure's facts and the endpoint's keys" {
                let api =
                    endpoints
                        [
                            "incident_outage_message: \"{name} ({team}) at {url}: {reason}; HTTP {status_code} in {latency_ms} ms; cert {expires_in_days}\""
                        ]
                        []
                    |> List.head

                Expect.equal
                    (IncidentMessage.ofFailure api (failure Partial "Unexpected HTTP status (503)"))
                    "api (payments) at https://example.com/health: Unexpected HTTP status (503); HTTP 503 in 250 ms; cert "
                    "every placeholder filled; no certificate gives an empty {expires_in_days}"
            }
            test "a time-out has no status code or latency: they render empty" {
                let api =
                    endpoints [ "incident_performance_message: \"[{status_code}|{latency_ms}] {reason}\"" ] []
                    |> List.head

                let timedOut =
                    { failure Performance "Request timed out" with
                        ResponseStatus = None
                        LatencySeconds = None
                    }

                Expect.equal (IncidentMessage.ofFailure api timedOut) "[|] Request timed out" "empty facts"
            }
            test "the incident and webhooks carry the rendered message; the resolve its own template" {
                let api =
                    endpoints
                        [
                            "incident_outage_message: \"{name} is down: {reason}\""
                            "incident_operational_message: \"{name} is back ({team})\""
                        ]
                        []
                    |> List.head

                Expect.equal
                    (messagesOf api [ failing Partial; Passed 0.1 ])
                    [
                        "open: api is down: Unexpected HTTP status (503)"
                        "hook opened: api is down: Unexpected HTTP status (503)"
                        "resolve: api is back (payments)"
                        "hook resolved: api is back (payments)"
                    ]
                    "messages as templated"
            }
            test "a change of severity updates the incident with the other severity's template" {
                let api =
                    endpoints
                        [
                            "incident_outage_message: \"outage: {reason}\""
                            "incident_performance_message: \"slow: {reason}\""
                        ]
                        []
                    |> List.head

                Expect.equal
                    (messagesOf api [ failing Performance; failing Partial ])
                    [
                        "open: slow: Unexpected HTTP status (503)"
                        "hook opened: slow: Unexpected HTTP status (503)"
                        "update: outage: Unexpected HTTP status (503)"
                        "hook changed: outage: Unexpected HTTP status (503)"
                    ]
                    "each severity its template"
            }
            test "without the keys the messages are the original's: the check's text, the operational title" {
                let api = endpoints [] [] |> List.head

                Expect.equal api.Messages.OutageMessage None "no template"

                Expect.equal
                    (messagesOf api [ failing Partial; Passed 0.1 ])
                    [
                        "open: Unexpected HTTP status (503)"
                        "hook opened: Unexpected HTTP status (503)"
                        "resolve: api is operational"
                        "hook resolved: api is operational"
                    ]
                    "unchanged"
            }
            test "an endpoint's own messages replace the global ones for it only" {
                match
                    endpoints
                        [ "incident_outage_message: \"global: {reason}\"" ]
                        [
                            "messages:"
                            "  incident_outage_message: \"{team} paged: {reason}\""
                            "  incident_outage: \"{name} is out\""
                        ]
                with
                | [ api; web ] ->
                    let down = failure Partial "boom"
                    Expect.equal (IncidentMessage.ofFailure api down) "payments paged: boom" "api's own template"
                    Expect.equal api.Titles.Outage "api is out" "api's own title"
                    Expect.equal (IncidentMessage.ofFailure web down) "global: boom" "web keeps the global template"
                    Expect.equal web.Titles.Outage "web is unavailable" "web keeps the default title"
                | other -> failtest $"two endpoints expected, got %d{other.Length}"
            }
            test "a placeholder that is no key and not built in is a load error naming the key and line" {
                Expect.equal
                    (errors [ "incident_outage_message: \"{name}: {reasn}\"" ] [])
                    [
                        "messages.incident_outage_message (line 24, col 28): placeholder {reasn} is not a key of any endpoint"
                    ]
                    "refused at load"
            }
            test "a global placeholder only some endpoints have is refused, naming the others" {
                Expect.equal
                    (errors [ "incident_performance_message: \"{owner}: {reason}\"" ] [ "owner: alice" ])
                    [
                        "messages.incident_performance_message (line 25, col 33): placeholder {owner} is not a key of endpoints[1]"
                    ]
                    "web has no team"
            }
            test "an endpoint's own template may use its own keys, and is checked against them" {
                let own = errors [] [ "messages:"; "  incident_outage_message: \"{team} {owner}\"" ]

                Expect.equal
                    own
                    [
                        "endpoints[0].messages.incident_outage_message (line 12, col 32): placeholder {owner} is not a key of endpoints[0]"
                    ]
                    "owner is nobody's key"
            }
            test "the resolve message cannot use the failure's facts" {
                Expect.equal
                    (errors [ "incident_operational_message: \"{name} back after {reason}\"" ] [])
                    [
                        "messages.incident_operational_message (line 24, col 33): placeholder {reason} is not available here: a passing check resolves the incident (use {name}, {url} or the endpoint's keys)"
                    ]
                    "refused"
            }
            test "a malformed template or a number is refused like a title" {
                let issues =
                    errors [ "incident_outage_message: \"{name\""; "incident_performance_message: 12" ] []

                Expect.hasLength issues 2 "both refused"
                Expect.stringContains issues[0] "is not a valid template" "unclosed brace"
                Expect.stringContains issues[1] "must be a string" "a number"
            }
            testProperty "rendering never throws and keeps the literal text of any template that parses"
            <| fun (chars: char list) (status: int option) (latency: NormalFloat option) ->
                match Template.parse (String(List.toArray chars)) with
                | Error _ -> true
                | Ok parsed ->
                    let endpoint =
                        { ComponentDriver.endpoint "api" 1 0 1 [ CreateIncident ] with
                            Messages =
                                {
                                    OutageMessage = Some parsed
                                    PerformanceMessage = None
                                    OperationalMessage = None
                                }
                        }

                    let down =
                        { failure Major "reason" with
                            ResponseStatus = status
                            LatencySeconds = latency |> Option.map (fun l -> abs l.Get % 1e6)
                        }

                    let rendered = IncidentMessage.ofFailure endpoint down

                    Template.parts parsed
                    |> List.forall (fun part ->
                        match part with
                        | Literal literal -> rendered.Contains literal
                        | Placeholder _ -> true)
        ]
