/// The fake Cachet 3 against the 3.x contract (../shared/reference/cachet-3-api.md), on the wire, and the 3.x client
/// against the fake.
module CachetMonitor.Tests.Host.Cachet3Tests

open System
open System.Linq
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading
open Expecto
open CachetMonitor.Domain
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.FakeServers
open System.Threading.Tasks
open CachetMonitor.Tests.Host.FakeCachetTests.Wire
open CachetMonitor.Tests.Support.CachetClientSupport

let private ct = CancellationToken.None

/// Sends one request with `Authorization: Bearer <bearer>` (none when `bearer` is None) to the fake's 3.x base.
let private send3 (fake: FakeCachet) (httpMethod: string) (path: string) (bearer: string option) (body: string option) =
    task {
        let auth =
            bearer |> Option.map (fun t -> "Authorization", "Bearer " + t) |> Option.toList

        let! reply = sendRaw fake httpMethod path auth (body |> Option.map json)
        return reply.Status, (if reply.Body = "" then null else JsonNode.Parse reply.Body), reply.Headers
    }

let private client (fake: FakeCachet) =
    Cachet3Client(http, fake.BaseUrl, token)

/// A test against a fresh 3.x fake (the token has every ability) with a 3.x client.
let private test3 name (body: FakeCachet -> Cachet3Client -> Task<unit>) =
    testTask name { do! withFakeAt FakeCachetVersion.V3 TimeProvider.System (fun fake -> body fake (client fake)) }

/// The node at a path of keys (or array indexes, as digits), or null.
let private nodeAt (node: JsonNode | null) (path: string list) : JsonNode | null =
    path
    |> List.fold
        (fun (current: JsonNode | null) key ->
            match current with
            | :? JsonObject as o -> o.[key]
            | :? JsonArray as a -> a.[int key]
            | _ -> null)
        node

/// The JSON text at a path, or "<none>".
let private at (node: JsonNode | null) (path: string list) =
    match nodeAt node path with
    | null -> "<none>"
    | n -> n.ToJsonString()

/// How many records a collection answer holds.
let private count (body: JsonNode | null) =
    match nodeAt body [ "data" ] with
    | :? JsonArray as a -> a.Count
    | _ -> -1

let private str (node: JsonNode | null) = at node []

let private fakeTests =
    [
        test3 "the base is /api without /v1; ping and version answer plain JSON, /api/v1 is unknown" (fun fake _ ->
            task {
                Expect.stringEnds fake.BaseUrl "/api" "3.x base"
                let! status, ping, _ = send3 fake "GET" "/ping" None None
                Expect.equal (status, str ping) (200, """{"data":"Pong!"}""") "ping"
                let! _, version, _ = send3 fake "GET" "/version" None None
                Expect.equal (str version) """{"data":{"version":"3.x-dev"}}""" "version data is an object"
                let! v1, error, _ = send3 fake "GET" "/v1/ping" None None
                Expect.equal v1 404 "no /v1 routes"
                Expect.notEqual (at error [ "message" ]) "<none>" "a Laravel error body"
            })

        testTask "CACHET_PATH /status puts the API at /status/api" {
            let! (started: FakeCachet) =
                FakeCachet.StartAsync(FakeCachetVersion.V3, cachetPath = "/status")

            use fake = started
            Expect.stringEnds fake.BaseUrl "/status/api" "the base"
            let! status, _, _ = send3 fake "GET" "/ping" None None
            Expect.equal status 200 "ping under /status/api"
        }

        test3 "writes need a Bearer token (401), X-Cachet-Token is not one; a missing ability is 403" (fun fake _ ->
            task {
                let c = fake.AddComponent("api")
                fake.AddToken("reader", "metric-points.manage")
                let body = Some """{"status":4}"""
                let! none, error, _ = send3 fake "PUT" $"/components/{c.Id}" None body
                Expect.equal (none, str error) (401, """{"message":"Unauthenticated."}""") "no token"

                let! legacy =
                    sendWith fake "PUT" $"/components/{c.Id}" (Some token) None (Some(json """{"status":4}"""))

                Expect.equal legacy.Status 401 "the 2.x header is not recognised"

                let! forbidden, error, _ =
                    send3 fake "PUT" $"/components/{c.Id}" (Some "reader") body

                Expect.equal
                    (forbidden, str error)
                    (403, """{"message":"Invalid ability provided."}""")
                    "missing components.manage"

                Expect.equal (componentOf fake c.Id).Status 1 "nothing written"
                let! ok, updated, _ = send3 fake "PUT" $"/components/{c.Id}" (Some token) body
                Expect.equal ok 200 "a token with every ability"

                Expect.equal
                    (at updated [ "data"; "attributes"; "status" ])
                    """{"human":"Major Outage","value":4}"""
                    "status object"
            })

        test3
            "resources are JSON:API records with string ids, status objects, baseline and latest status"
            (fun fake _ ->
                task {
                    let c = fake.AddComponent("api", 5)
                    let! status, body, headers = send3 fake "GET" $"/components/{c.Id}" None None
                    Expect.equal status 200 "found"
                    Expect.stringStarts headers["content-type"] "application/vnd.api+json" "JSON:API media type"
                    Expect.equal (at body [ "data"; "id" ]) $"\"{c.Id}\"" "string id"
                    Expect.equal (at body [ "data"; "type" ]) "\"components\"" "type"
                    Expect.equal (at body [ "data"; "attributes"; "id" ]) $"{c.Id}" "integer id repeated in attributes"
                    Expect.equal (at body [ "data"; "attributes"; "latest_status"; "value" ]) "5" "unknown"
                    Expect.notEqual (at body [ "jsonapi" ]) "<none>" "a jsonapi member"
                })

        test3 "422 names each field; status 0 is invalid on 3.x" (fun fake _ ->
            task {
                let c = fake.AddComponent("api")

                let! status, body, _ =
                    send3
                        fake
                        "POST"
                        "/incidents"
                        (Some token)
                        (Some $$"""{"components":[{"id":{{c.Id}},"status":0}]}""")

                Expect.equal status 422 "validation failure"
                let errors field = at body [ "errors"; field ]
                Expect.equal (errors "name") """["The name field is required."]""" "name"
                Expect.equal (errors "status") """["The status field is required."]""" "status"
                Expect.equal (errors "message") """["The message field is required."]""" "message"

                Expect.equal
                    (errors "components.0.status")
                    """["The selected components.0.status is invalid."]"""
                    "status 0"

                Expect.stringContains (at body [ "message" ]) "(and 3 more errors)" "Laravel's summary"
            })

        test3
            "an incident's impact shows only while it is unresolved and public; visible defaults to private"
            (fun fake _ ->
                task {
                    let c = fake.AddComponent("api")

                    let create visible =
                        let flag =
                            visible
                            |> Option.map (fun v -> $""", "visible": {v}""")
                            |> Option.defaultValue ""

                        send3
                            fake
                            "POST"
                            "/incidents"
                            (Some token)
                            (Some
                                $$"""{"name":"down","status":1,"message":"m","components":[{"id":{{c.Id}},"status":4}]{{flag}}}""")

                    let! created, body, _ = create None
                    Expect.equal created 201 "created"
                    Expect.equal (at body [ "data"; "attributes"; "visible" ]) "0" "private by default"
                    Expect.equal (fake.ShownStatus c.Id) 1 "a private incident changes nothing on the page"
                    let! _, publicOne, _ = create (Some "true")
                    let id = (at publicOne [ "data"; "id" ]).Trim('"')
                    Expect.equal (fake.ShownStatus c.Id) 4 "latest_status follows the public impact"
                    Expect.equal (componentOf fake c.Id).Status 1 "the baseline is not written"

                    let! fixedStatus, _, _ =
                        send3
                            fake
                            "POST"
                            $"/incidents/{id}/updates"
                            (Some token)
                            (Some """{"status":4,"message":"ok"}""")

                    Expect.equal fixedStatus 201 "update created"
                    Expect.equal (incidentOf fake (int id)).Status 4 "the update resolves the incident"
                    Expect.equal (fake.ShownStatus c.Id) 1 "the impact ends"
                })

        test3 "lists page simply: per_page clamped to 100, no total, links.next only while more exist" (fun fake _ ->
            task {
                for i in 1..120 do
                    fake.AddComponent($"c{i}") |> ignore

                let! _, first, _ = send3 fake "GET" "/components?per_page=500" None None
                Expect.equal (count first) 100 "clamped"
                Expect.equal (at first [ "meta"; "total" ]) "<none>" "no total"
                Expect.notEqual (at first [ "links"; "next" ]) "<none>" "a next page"
                let! _, second, _ = send3 fake "GET" "/components?per_page=100&page=2" None None
                Expect.equal (count second) 20 "the rest"
                Expect.equal (at second [ "links"; "next" ]) "<none>" "no next on the last page"
                let! _, defaults, _ = send3 fake "GET" "/components" None None
                Expect.equal (count defaults) 15 "15 by default"
            })

        test3
            "filter[meta] and filter[status] find tagged unresolved incidents; guests see no private ones"
            (fun fake _ ->
                task {
                    let c = fake.AddComponent("api")

                    fake.AddIncident("ours", 1, c.Id, visible = false, meta = readOnlyDict [ "cachet_monitor", "7" ])
                    |> ignore

                    fake.AddIncident("old", 4, c.Id, meta = readOnlyDict [ "cachet_monitor", "7" ])
                    |> ignore

                    fake.AddIncident("theirs", 2, c.Id) |> ignore
                    let query = "/incidents?filter[meta][cachet_monitor]=7&filter[status]=0,1,2,3"
                    let! _, found, _ = send3 fake "GET" query (Some token) None

                    Expect.equal
                        (count found, at found [ "data"; "0"; "attributes"; "name" ])
                        (1, "\"ours\"")
                        "tagged and unresolved"

                    let! _, guest, _ = send3 fake "GET" query None None
                    Expect.equal (count guest) 0 "private incidents are hidden from guests"
                })

        testTask "the limiter allows N requests a minute per user, then 429 with Retry-After until the window ends" {
            let clock = ManualTime(DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))

            do!
                withFakeAt FakeCachetVersion.V3 clock (fun fake ->
                    task {
                        fake.RateLimitPerMinute <- 3

                        for n in 1..3 do
                            let! status, _, headers = send3 fake "GET" "/ping" (Some token) None
                            Expect.equal status 200 $"request {n}"
                            Expect.equal headers["x-ratelimit-remaining"] $"{3 - n}" "remaining"

                        clock.Advance(TimeSpan.FromSeconds 20.0)
                        let! status, body, headers = send3 fake "GET" "/ping" (Some token) None
                        Expect.equal (status, str body) (429, """{"message":"Too Many Attempts."}""") "limited"
                        Expect.equal headers["retry-after"] "40" "seconds until the window ends"

                        let! e =
                            failure CachetApiErrorKind.RateLimited (fun () -> (client fake).PingAsync ct)

                        Expect.equal
                            e.RetryAfter
                            (Some(TimeSpan.FromSeconds 40.0) |> Option.toNullable)
                            "the client reads Retry-After"

                        clock.Advance(TimeSpan.FromSeconds 40.0)
                        let! again, _, _ = send3 fake "GET" "/ping" (Some token) None
                        Expect.equal again 200 "a new window"
                    })
        }

        testTask
            "metric points: created_at rounded to 30 s; within the metric's threshold the newest point is counted, not replaced" {
            let clock = ManualTime(DateTimeOffset(2026, 1, 1, 12, 0, 10, TimeSpan.Zero))

            do!
                withFakeAt FakeCachetVersion.V3 clock (fun fake ->
                    task {
                        let merged = fake.AddMetric("latency", threshold = 5)
                        let raw = fake.AddMetric("raw", threshold = 0)
                        let c = client fake
                        let now = clock.GetUtcNow().ToUnixTimeSeconds()

                        for (value, offset) in [ 10.0, 0L; 20.0, 60L ] do
                            do! c.PushMetricPointAsync(MetricId(merged.Id), value, now + offset, ct)
                            do! c.PushMetricPointAsync(MetricId(raw.Id), value, now + offset, ct)

                        let pointsOf (m: FakeMetric) =
                            fake.MetricPoints
                            |> Seq.filter (fun p -> p.MetricId = m.Id)
                            |> Seq.map (fun p -> p.Value, p.Counter)
                            |> List.ofSeq

                        Expect.equal (pointsOf merged) [ 10.0, 2 ] "the second value is dropped, the counter grows"
                        Expect.equal (pointsOf raw) [ 10.0, 1; 20.0, 1 ] "threshold 0 keeps every value"
                        let first = fake.MetricPoints |> Seq.head
                        Expect.equal first.CreatedAt.Second 0 "rounded to 30 s"
                    })
        }

        test3 "api_enabled off answers 404 everywhere; api_protected makes reads need the token" (fun fake _ ->
            task {
                fake.ApiProtected <- true
                let! guest, _, _ = send3 fake "GET" "/ping" None None
                let! member', _, _ = send3 fake "GET" "/ping" (Some token) None
                Expect.equal (guest, member') (401, 200) "protected reads"
                fake.ApiEnabled <- false
                let! off, _, _ = send3 fake "GET" "/ping" (Some token) None
                Expect.equal off 404 "API disabled"
            })
    ]

let private clientTests =
    [
        test3
            "opening an incident attaches an impact, sends visible and notifications, tags meta; the baseline stays"
            (fun fake c ->
                task {
                    let api = fake.AddComponent("api")

                    let! id =
                        c.CreateIncidentAsync("api is down", "503", ComponentId(api.Id), 3, true, "7", ct)

                    let incident = incidentOf fake id.Value
                    Expect.equal (List.ofSeq incident.Impacts) [ FakeImpact(api.Id, 3) ] "the impact"
                    Expect.isTrue incident.Visible "public as asked"
                    Expect.isTrue incident.Notify "notifications"

                    Expect.equal
                        (incident.Meta |> Seq.map (fun m -> m.Key, m.Value) |> List.ofSeq)
                        [ "cachet_monitor", "\"7\"" ]
                        "the tag"

                    Expect.equal (componentOf fake api.Id).Status 1 "baseline untouched"
                    Expect.equal (fake.ShownStatus api.Id) 3 "the page shows the impact"

                    Expect.isFalse
                        c.IncidentsSetComponentStatus
                        "the executor must not count the incident as a status write"

                    let body = fake.Requests |> Seq.find (fun r -> r.Method = "POST") |> _.Body
                    Expect.stringContains body "\"visible\":true" "visible sent explicitly"

                    Expect.stringContains
                        (fake.Requests |> Seq.head |> _.Header("Authorization") |> string)
                        "Bearer "
                        "Bearer auth"
                })

        test3 "the listing gives every unresolved incident per component, with the impact and the tag" (fun fake c ->
            task {
                let api = fake.AddComponent("api")
                let web = fake.AddComponent("web")

                let ours =
                    fake.AddIncident(
                        "api is down",
                        1,
                        api.Id,
                        visible = false,
                        meta = readOnlyDict [ "cachet_monitor", string api.Id ],
                        componentStatus = 3
                    )

                let theirs =
                    fake.AddIncident("maintenance gone wrong", 2, web.Id, componentStatus = 4)

                fake.AddIncident("fixed", 4, api.Id) |> ignore
                let! forApi = c.ListUnresolvedIncidentsAsync(ComponentId(api.Id), ct)

                Expect.equal
                    (forApi
                     |> Seq.map (fun i -> i.Id, i.MonitorTag, i.ComponentStatus, i.Visible)
                     |> List.ofSeq)
                    [ IncidentId ours.Id, string api.Id, Nullable 3, false ]
                    "ours, private"

                let! forWeb = c.ListUnresolvedIncidentsAsync(ComponentId(web.Id), ct)

                Expect.equal
                    (forWeb |> Seq.map (fun i -> i.Id, i.MonitorTag, i.ComponentStatus) |> List.ofSeq)
                    [ IncidentId theirs.Id, null, Nullable 4 ]
                    "a person's, with its impact"
            })

        test3 "the listing pages through more than 100 incidents" (fun fake c ->
            task {
                let api = fake.AddComponent("api")

                for n in 1..130 do
                    fake.AddIncident($"i{n}", 1, api.Id) |> ignore

                let! listed = c.ListAllUnresolvedIncidentsAsync ct
                let all = nonNull listed
                Expect.equal all.Count 130 "all of them"

                Expect.equal
                    (all |> Seq.map _.Id |> List.ofSeq)
                    (all |> Seq.map _.Id |> Seq.sortDescending |> List.ofSeq)
                    "newest first"

                let pages =
                    fake.Requests
                    |> Seq.filter (fun r -> r.Path.EndsWith "/incidents")
                    |> Seq.length

                Expect.equal pages 2 "two pages of 100"
            })

        test3 "components list enabled and disabled ones in pages; statuses map to the core's codes" (fun fake c ->
            task {
                for n in 1..105 do
                    fake.AddComponent($"c{n}") |> ignore

                let off = fake.AddComponent("off", 6, enabled = false)
                let unknown = fake.AddComponent("new", 5)

                let! (all: Collections.Generic.List<CachetComponent>) =
                    c.ListComponentsAsync(ct).ToListAsync()

                Expect.equal all.Count 107 "every component"

                Expect.equal
                    (all
                     |> Seq.find (fun x -> x.Id = ComponentId off.Id)
                     |> fun x -> x.Status, x.Enabled)
                    (6, false)
                    "under maintenance reads as the core's UnderMaintenance (6)"

                Expect.equal
                    (all |> Seq.find (fun x -> x.Id = ComponentId unknown.Id)).Status
                    0
                    "3.x unknown is the core's unknown"

                do! c.SetComponentStatusAsync(ComponentId(unknown.Id), 0, ct)
                Expect.equal (componentOf fake unknown.Id).Status 5 "the core's unknown is sent as 5, never 0"
                do! c.SetComponentStatusAsync(ComponentId(unknown.Id), ComponentStatus.toCode UnderMaintenance, ct)
                Expect.equal (componentOf fake unknown.Id).Status 6 "under maintenance is sent as 6"
            })

        test3
            "a severity change posts an update; resolving posts status 4; a deleted incident is reported gone"
            (fun fake c ->
                task {
                    let api = fake.AddComponent("api")

                    let! id =
                        c.CreateIncidentAsync("api is slow", "slow", ComponentId(api.Id), 2, true, ct)

                    do! c.UpdateIncidentAsync(id, "api is down", "down", ComponentId(api.Id), 4, true, ct)
                    let! found = c.ResolveIncidentAsync(id, "api is up", true, ct)
                    Expect.isTrue found "resolved"
                    let incident = incidentOf fake id.Value

                    Expect.equal
                        (incident.Updates |> Seq.map (fun u -> u.Status, u.Message) |> List.ofSeq)
                        [ 1, "down"; 4, "api is up" ]
                        "the timeline"

                    Expect.equal incident.Status 4 "fixed"
                    fake.RemoveIncident id.Value |> ignore
                    let! gone = c.ResolveIncidentAsync(id, "api is up", true, ct)
                    Expect.isFalse gone "gone"
                })

        test3
            "a 403 names the ability the key lacks; a 422 gives the field messages; the token stays out"
            (fun fake _ ->
                task {
                    let api = fake.AddComponent("api")
                    fake.AddToken("limited-key-123", "components.manage")
                    let limited = Cachet3Client(http, fake.BaseUrl, "limited-key-123")

                    let! e =
                        failure CachetApiErrorKind.UnexpectedStatus (fun () ->
                            limited.CreateIncidentAsync("x", "y", ComponentId(api.Id), 3, true, ct))

                    Expect.stringContains e.Message "\"incidents.manage\"" "the ability is named"
                    Expect.isFalse (e.Message.Contains "limited-key-123") "no token in the message"

                    let! e =
                        failure CachetApiErrorKind.UnexpectedStatus (fun () ->
                            limited.PushMetricPointAsync(MetricId 1, 1.0, 0L, ct))

                    Expect.stringContains e.Message "\"metric-points.manage\"" "the ability of metric points"

                    let! invalid =
                        failure CachetApiErrorKind.BadRequest (fun () ->
                            (client fake).CreateIncidentAsync("x", "y", ComponentId 999, 3, true, ct))

                    Expect.stringContains
                        invalid.Message
                        "components.0.id: The selected components.0.id is invalid."
                        "field and message"
                })
    ]

/// Detects what answers at `url` (the fake's root plus `suffix`).
let private detect (fake: FakeCachet) (suffix: string) version =
    CachetVersionDetection(http, token).DetectAsync(fake.Root + suffix, version, ct)

let private detectionTests =
    [
        for version, suffix, expected in
            [
                FakeCachetVersion.V24, "/api/v1", "/api/v1"
                FakeCachetVersion.V24, "", "/api/v1"
                FakeCachetVersion.V23, "/", "/api/v1"
                FakeCachetVersion.V3, "/api", "/api"
                FakeCachetVersion.V3, "", "/api"
            ] do
            testTask $"auto finds a {version} fake from api_url <root>{suffix}" {
                do!
                    withFakeAt version TimeProvider.System (fun fake ->
                        task {
                            let! (found: DetectedCachet) = detect fake suffix DetectVersion
                            Expect.equal found.BaseUrl (fake.Root + expected) "the API base"

                            match version, found.Client with
                            | FakeCachetVersion.V3, (:? Cachet3Client) -> ()
                            | FakeCachetVersion.V3, other -> failtest $"a 3.x client, not {other}"
                            | _, (:? CachetClient) -> ()
                            | _, other -> failtest $"a 2.x client, not {other}"

                            Expect.stringContains
                                found.Description
                                (if version = FakeCachetVersion.V3 then "3.x" else "2.x")
                                "named"
                        })
            }

        testTask "auto finds Cachet 3 under /status/api from the host alone" {
            let! (fake: FakeCachet) =
                FakeCachet.StartAsync(FakeCachetVersion.V3, cachetPath = "/status")

            use fake = fake
            fake.AddToken token
            let! (found: DetectedCachet) = detect fake "" DetectVersion
            Expect.equal found.BaseUrl (fake.Root + "/status/api") "the 3.x app's default path"
        }

        testTask "api_version 3 against Cachet 2.x is an error naming what answered" {
            do!
                withFakeAt FakeCachetVersion.V24 TimeProvider.System (fun fake ->
                    task {
                        let! (e: CachetApiException) =
                            failure CachetApiErrorKind.NotFound (fun () -> detect fake "/api/v1" CachetV3)

                        Expect.stringContains e.Message "api_version: 3" "names the setting"
                        Expect.stringContains e.Message $"{fake.Root}/api/v1" "names the URL tried"
                    })
        }

        test3 "a Cachet whose API is switched off: the error names every URL tried" (fun fake _ ->
            task {
                fake.ApiEnabled <- false

                let! (e: CachetApiException) =
                    failure CachetApiErrorKind.NotFound (fun () -> detect fake "" DetectVersion)

                for tried in [ ""; "/api/v1"; "/api"; "/status/api" ] do
                    Expect.stringContains e.Message $"GET {fake.Root}{tried}/ping: HTTP 404" "each URL and its answer"

                Expect.stringContains e.Message "switched off" "says what a 404 everywhere can mean"
            })

        testTask "an unreachable Cachet is a transient failure (retried), not a verdict" {
            let! (e: CachetApiException) =
                failure CachetApiErrorKind.Transport (fun () ->
                    CachetVersionDetection(http, token).DetectAsync("http://127.0.0.1:9", DetectVersion, ct))

            Expect.stringContains e.Message "cannot tell which Cachet" "says detection must wait"
        }

        test3 "an answer that is not Cachet's is retried, not a verdict" (fun fake _ ->
            task {
                fake.FailNext(CachetFault.Raw(200, "<html>proxy page</html>", "text/html"), 1, "GET")

                let! (e: CachetApiException) =
                    failure CachetApiErrorKind.MalformedResponse (fun () -> detect fake "/api" DetectVersion)

                Expect.stringContains e.Message "cannot tell which Cachet" "detection waits"
                let! (found: DetectedCachet) = detect fake "/api" DetectVersion
                Expect.isTrue (found.Client :? Cachet3Client) "the next attempt finds Cachet 3"
            })

        testTask "auto with an api_url ending in /api/v1 is 2.x without a probe (existing configs make the same calls)" {
            do!
                withFakeAt FakeCachetVersion.V24 TimeProvider.System (fun fake ->
                    task {
                        let! (found: DetectedCachet) = detect fake "/api/v1" DetectVersion
                        Expect.isTrue (found.Client :? CachetClient) "the 2.x client"
                        Expect.isEmpty fake.Requests "no request"
                    })
        }

        test3 "api_version 2 probes nothing" (fun fake _ ->
            task {
                let! (found: DetectedCachet) = detect fake "/anything" CachetV2
                Expect.isTrue (found.Client :? CachetClient) "the 2.x client"
                Expect.isEmpty fake.Requests "no request"
            })
    ]

[<Tests>]
let tests =
    testList
        "cachet 3"
        [
            testList "fake" fakeTests
            testList "client" clientTests
            testList "detection" detectionTests
        ]
