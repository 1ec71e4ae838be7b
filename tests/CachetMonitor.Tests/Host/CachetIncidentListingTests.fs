/// Incidents the client tags when it creates them, and the listings of unresolved incidents with their tags.
module CachetMonitor.Tests.Host.CachetIncidentListingTests

open System
open System.IO
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Microsoft.Extensions.Logging.Abstractions
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Observability
open CachetMonitor.Host.Scheduling
open CachetMonitor.Tests.Host.FakeCachetTests.Wire
open CachetMonitor.Tests.Support.CachetClientSupport

let private none = CancellationToken.None

/// The query strings of the logged GET /incidents requests, oldest first.
let private listQueries (fake: FakeCachet) =
    fake.Requests
    |> Seq.filter (fun r -> r.Method = "GET" && r.Path = "/api/v1/incidents")
    |> Seq.map _.QueryString
    |> List.ofSeq

/// Id, status, component (0: none) and tag of each listed incident, ids as the fake's numbers.
let private summary (incidents: CachetIncident seq) =
    incidents
    |> Seq.map (fun i ->
        i.Id.Value,
        i.Status,
        (if i.ComponentId.HasValue then
             i.ComponentId.Value.Value
         else
             0),
        Option.ofObj i.MonitorTag)
    |> List.ofSeq

/// The ids of listed incidents, as the fake's numbers.
let private ids (incidents: CachetIncident seq) =
    incidents |> Seq.map _.Id.Value |> List.ofSeq

/// Adds `count` incidents of a component; `status id` gives each one's status.
let private addIncidents (fake: FakeCachet) componentId count (status: int -> int) =
    for n in 1..count do
        fake.AddIncident($"i{n}", status n, componentId = componentId) |> ignore

let private tagging =
    testList
        "tagging"
        [
            clientTest
                "a tagged create sends meta.cachet_monitor in its JSON body and the incident reads back with the tag"
            <| fun fake client ->
                task {
                    fake.AddComponent "api" |> ignore

                    let! id =
                        client.CreateIncidentAsync("api down", "m", ComponentId 1, 4, false, "cm/prod-1", none)

                    let sent = JsonDocument.Parse((fake.Requests |> Seq.last).Body).RootElement
                    Expect.equal ((at "meta" sent).GetRawText()) """{"cachet_monitor":"cm/prod-1"}""" "meta sent"
                    let row = (incidentOf fake id.Value).Meta |> Seq.exactlyOne
                    Expect.equal (row.Key, row.Value) ("cachet_monitor", "\"cm/prod-1\"") "stored as Cachet's meta row"
                    let! found = client.FindOpenIncidentAsync(ComponentId 1, none)

                    Expect.equal
                        (found |> Option.ofObj |> Option.map (fun i -> i.MonitorTag, i.Visible))
                        (Some("cm/prod-1", false))
                        "tag read back; private, found with the token"
                }
            clientTest "the untagged create sends no meta and its incident has no tag"
            <| fun fake client ->
                task {
                    let! id = client.CreateIncidentAsync("x", "m", ComponentId 1, 4, true, none)
                    let sent = JsonDocument.Parse((fake.Requests |> Seq.last).Body).RootElement
                    Expect.isFalse (sent.TryGetProperty "meta" |> fst) "no meta key"
                    Expect.isEmpty (incidentOf fake id.Value).Meta "no rows"
                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    Expect.equal (summary listed) [ id.Value, 1, 1, None ] "untagged"
                }
            clientTest "a tag Cachet would not keep as sent is refused before anything is sent"
            <| fun fake client ->
                task {
                    for tag in [ ""; "0"; " padded"; "a b"; "<b>"; "é"; String('x', 101) ] do
                        let! outcome =
                            task {
                                try
                                    let! _ = client.CreateIncidentAsync("x", "m", ComponentId 1, 4, true, tag, none)
                                    return "created"
                                with :? ArgumentException ->
                                    return "refused"
                            }

                        Expect.equal outcome "refused" $"tag '{tag}'"

                    Expect.isEmpty fake.Requests "nothing sent"
                    Expect.isTrue (CachetIncident.IsValidMonitorTag(String('x', 100))) "100 characters are fine"
                    Expect.isTrue (CachetIncident.IsValidMonitorTag "cachet-monitor:a.b_c/d@e+f=") "the allowed marks"
                }
            clientTest
                "MonitorTag is read from meta as key → value or as rows; absent, null, empty or odd meta is no tag"
            <| fun fake client ->
                task {
                    let incident id (meta: string) =
                        $$"""{"id":{{id}},"name":"n","status":1,"component_id":1,"visible":1,"message":"" {{meta}}}"""

                    let body =
                        [
                            incident 9 ""","meta":{"cachet_monitor":"by-key","other":"x"}"""
                            incident
                                8
                                ""","meta":[{"id":3,"key":"other","value":"x"},{"id":4,"key":"cachet_monitor","value":"by-row","meta_type":"incidents","meta_id":8}]"""
                            incident 7 ""
                            incident 6 ""","meta":null"""
                            incident 5 ""","meta":[]"""
                            incident 4 ""","meta":"garbage" """
                            incident 3 ""","meta":{"cachet_monitor":42}"""
                            incident 2 ""","meta":{"cachet_monitor":{"nested":1}}"""
                            incident 1 ""","meta":[{"key":5},"x",null]"""
                        ]

                    fake.FailNext(
                        CachetFault.Raw(200, "{\"data\":[" + String.Join(",", body) + "]}", "application/json")
                    )

                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)

                    Expect.equal
                        (listed |> Seq.map (fun i -> i.Id.Value, Option.ofObj i.MonitorTag) |> List.ofSeq)
                        [
                            9, Some "by-key"
                            8, Some "by-row"
                            7, None
                            6, None
                            5, None
                            4, None
                            3, Some "42"
                            2, None
                            1, None
                        ]
                        "tags"
                }
            clientTestAt
                FakeCachetVersion.V23
                "against 2.3 a tagged create works and the incident has no tag (2.3 keeps no incident meta)"
            <| fun _ client ->
                task {
                    let! id = client.CreateIncidentAsync("x", "m", ComponentId 1, 4, true, "cm", none)
                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    Expect.equal (summary listed) [ id.Value, 1, 1, None ] "listed, untagged"
                }
        ]

let private perComponent =
    testList
        "unresolved incidents of a component"
        [
            clientTest "every unresolved incident of the component, newest first, private ones too, in one call"
            <| fun fake client ->
                task {
                    fake.AddIncident("fixed", 4, componentId = 1) |> ignore

                    fake.AddIncident("open", 1, componentId = 1, meta = readOnlyDict [ "cachet_monitor", "cm" ])
                    |> ignore

                    fake.AddIncident("other component", 1, componentId = 2) |> ignore
                    fake.AddIncident("private", 3, componentId = 1, visible = false) |> ignore
                    fake.AddIncident("reserved status 0", 0, componentId = 1) |> ignore
                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)

                    Expect.equal
                        (summary listed)
                        [ 5, 0, 1, None; 4, 3, 1, None; 2, 1, 1, Some "cm" ]
                        "unresolved, newest first"

                    Expect.equal (listQueries fake) [ "?component_id=1&sort=id&per_page=100" ] "one call, no page"

                    Expect.equal
                        ((fake.Requests |> Seq.exactlyOne).Header "X-Cachet-Token" |> Option.ofObj)
                        (Some token)
                        "with the token"
                }
            clientTest "a full first page with more pages is read once more with per_page=1000, never with page"
            <| fun fake client ->
                task {
                    addIncidents fake 1 150 (fun n -> if n = 5 || n = 120 || n = 149 then 2 else 4)
                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    Expect.equal (ids listed) [ 149; 120; 5 ] "the old one too"

                    Expect.equal
                        (listQueries fake)
                        [
                            "?component_id=1&sort=id&per_page=100"
                            "?component_id=1&sort=id&per_page=1000"
                        ]
                        "two calls"

                    let! newest = client.FindOpenIncidentAsync(ComponentId 1, none)

                    Expect.equal
                        (newest |> Option.ofObj |> Option.map _.Id.Value)
                        (Some 149)
                        "FindOpenIncidentAsync is its first"
                }
            clientTest
                "the documented bound: an unresolved incident older than the component's 1,000 newest is not seen"
            <| fun fake client ->
                task {
                    addIncidents fake 1 1001 (fun n -> if n = 1 then 1 else 4)
                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    Expect.isEmpty listed "beyond the bound"
                    Expect.equal (listQueries fake).Length 2 "and no further call"
                }
            clientTest "without pagination, a page shorter than asked for is the whole list"
            <| fun fake client ->
                task {
                    fake.FailNext(
                        CachetFault.Raw(
                            200,
                            """{"data":[{"id":3,"name":"n","status":1,"component_id":1},{"id":2,"name":"n","status":4,"component_id":1}]}""",
                            "application/json"
                        )
                    )

                    let! listed = client.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    Expect.equal (ids listed) [ 3 ] "read"
                    Expect.equal (listQueries fake).Length 1 "one call"
                }
        ]

let private everyComponent =
    testList
        "unresolved incidents of every component"
        [
            clientTest
                "four calls, status 0 to 3 with per_page=1000 and no page, give every unresolved incident newest first"
            <| fun fake client ->
                task {
                    for (componentId, status, visible) in
                        [
                            1, 1, true
                            2, 4, true
                            3, 2, false
                            1, 3, true
                            4, 0, true
                            5, 4, false
                            2, 1, true
                        ] do
                        fake.AddIncident("i", status, componentId = componentId, visible = visible)
                        |> ignore

                    fake.AddIncident("tagged", 2, componentId = 9, meta = readOnlyDict [ "cachet_monitor", "cm" ])
                    |> ignore

                    let! listed = client.ListAllUnresolvedIncidentsAsync none

                    match listed with
                    | null -> failtest "expected a complete list"
                    | listed ->
                        Expect.equal
                            (summary listed)
                            [
                                8, 2, 9, Some "cm"
                                7, 1, 2, None
                                5, 0, 4, None
                                4, 3, 1, None
                                3, 2, 3, None
                                1, 1, 1, None
                            ]
                            "unresolved, private too, newest first"

                    Expect.equal
                        (listQueries fake)
                        [ for s in 0..3 -> $"?status={s}&per_page=1000" ]
                        "one call per unresolved status"
                }
            clientTest "null (read per component) when a status has more than 1,000 incidents"
            <| fun fake client ->
                task {
                    addIncidents fake 1 1001 (fun _ -> 2)
                    let! listed = client.ListAllUnresolvedIncidentsAsync none
                    Expect.isNull listed "incomplete"
                    Expect.equal (listQueries fake).Length 3 "stops at the status that does not fit"
                }
        ]

/// The value of the Cachet call counter for an operation and outcome, from the Prometheus text.
let private counted (metrics: MonitorMetrics) (operation: string) =
    task {
        use stream = new MemoryStream()
        do! metrics.Registry.CollectAndExportAsTextAsync(stream)
        let text = Text.Encoding.UTF8.GetString(stream.ToArray())

        let line =
            $"cachet_monitor_cachet_calls_total{{operation=\"{operation}\",outcome=\"ok\"}} "

        return
            text.Split '\n'
            |> Array.tryFind _.StartsWith(line)
            |> Option.map (fun l -> l.Substring(line.Length).Trim())
    }

let private wrappers =
    testList
        "dry run, switchable and instrumented"
        [
            testTask "a dry run has nothing unresolved, as a complete list" {
                let dry: ICachetApi = DryRunCachet(NullLogger<DryRunCachet>.Instance)
                let! one = dry.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                let! all = dry.ListAllUnresolvedIncidentsAsync none
                Expect.isEmpty one "per component"
                Expect.isNotNull all "complete"
                Expect.isEmpty all "nothing"
                let! id = dry.CreateIncidentAsync("x", "m", ComponentId 1, 4, true, "cm", none)
                Expect.isLessThan (id: IncidentId).Value 0 "a made-up id"
            }
            testTask "the switchable API forwards the new members to the current one" {
                let switchable: ICachetApi =
                    SwitchableCachetApi(DryRunCachet(NullLogger<DryRunCachet>.Instance))

                let! all = switchable.ListAllUnresolvedIncidentsAsync none
                Expect.isNotNull all "the dry run's answer, not the interface's default null"
            }
            clientTest "each listing is counted under its own operation, the tagged create as create_incident"
            <| fun _ client ->
                task {
                    let metrics =
                        MonitorMetrics(
                            Lazy<MonitorSet>(fun () -> MonitorSet []),
                            Lazy<ComponentSet>(fun () -> ComponentSet []),
                            CheckStatistics(),
                            SyncCounters()
                        )

                    let counting: ICachetApi = InstrumentedCachetApi(client, metrics)
                    let! _ = counting.CreateIncidentAsync("x", "m", ComponentId 1, 4, true, "cm", none)
                    let! _ = counting.ListUnresolvedIncidentsAsync(ComponentId 1, none)
                    let! _ = counting.ListAllUnresolvedIncidentsAsync none
                    let! created = counted metrics "create_incident"
                    let! one = counted metrics "list_unresolved_incidents"
                    let! all = counted metrics "list_all_unresolved_incidents"
                    Expect.equal (created, one, all) (Some "1", Some "1", Some "1") "counted once each"
                }
        ]

[<Tests>]
let tests =
    testList "Cachet incident tags and listings" [ tagging; perComponent; everyComponent; wrappers ]
