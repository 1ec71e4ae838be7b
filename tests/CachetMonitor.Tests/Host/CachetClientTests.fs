module CachetMonitor.Tests.Host.CachetClientTests

open System
open System.Globalization
open System.Net.Http
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Tests.Host.FakeCachetTests.Wire
open CachetMonitor.Tests.Support.CachetClientSupport

/// The bodies of the logged requests with this method and path.
let private bodiesOf (fake: FakeCachet) httpMethod path =
    fake.Requests
    |> Seq.filter (fun r -> r.Method = httpMethod && r.Path = "/api/v1" + path)
    |> Seq.map _.Body
    |> List.ofSeq

/// Resolves a private open incident through the client; returns it as the fake holds it afterwards.
let private resolvePrivateIncident (fake: FakeCachet) (client: CachetClient) =
    task {
        let i = fake.AddIncident("api is unavailable", 1, visible = false)

        let! resolved =
            client.ResolveIncidentAsync(IncidentId(i.Id), "api is operational", false, CancellationToken.None)

        Expect.isTrue resolved "resolved"
        let after = incidentOf fake i.Id
        Expect.equal after.Status 4 "fixed"
        Expect.isFalse after.Visible "still private (PUT on 2.3 would reset it unless visible is sent)"
        return after
    }

let private reads =
    testList
        "reads"
        [
            clientTest "GetComponentAsync reads id, name, status, enabled and link"
            <| fun fake client ->
                task {
                    let c =
                        fake.AddComponent("api", 3, enabled = false, link = "http://api.local/health")

                    let! got = client.GetComponentAsync(ComponentId(c.Id), CancellationToken.None)

                    Expect.equal
                        got
                        (CachetComponent(ComponentId c.Id, "api", 3, false, "http://api.local/health"))
                        "component"
                }
            clientTest "every call sends the token and Accept: application/json"
            <| fun fake client ->
                task {
                    fake.AddComponent "api" |> ignore
                    let! _ = client.GetComponentAsync(ComponentId 1, CancellationToken.None)
                    do! client.SetComponentStatusAsync(ComponentId 1, 2, CancellationToken.None)

                    for r in fake.Requests do
                        Expect.equal (r.Header "X-Cachet-Token" |> Option.ofObj) (Some token) "token"
                        Expect.equal (r.Header "Accept" |> Option.ofObj) (Some "application/json") "accept"
                }
            clientTest "GetMetricAsync reads the metric and its threshold"
            <| fun fake client ->
                task {
                    let m = fake.AddMetric("latency", "ms", threshold = 3)
                    let! got = client.GetMetricAsync(MetricId(m.Id), CancellationToken.None)
                    Expect.equal got (CachetMetric(MetricId m.Id, "latency", "ms", 3)) "metric"
                }
            clientTest "FindOpenIncidentAsync picks the newest unresolved incident of the component, visible or not"
            <| fun fake client ->
                task {
                    fake.AddIncident("old fixed", 4, componentId = 1) |> ignore
                    fake.AddIncident("older open", 1, componentId = 1) |> ignore
                    fake.AddIncident("newest open", 2, componentId = 1, visible = false) |> ignore
                    fake.AddIncident("newest fixed", 4, componentId = 1) |> ignore
                    fake.AddIncident("other component", 1, componentId = 2) |> ignore
                    let! found = client.FindOpenIncidentAsync(ComponentId 1, CancellationToken.None)

                    match found with
                    | null -> failtest "expected incident 3"
                    | incident ->
                        Expect.equal
                            incident
                            (CachetIncident(IncidentId 3, "newest open", 2, Nullable(ComponentId 1), false, ""))
                            "incident 3"

                    let request = fake.Requests |> Seq.exactlyOne
                    Expect.equal request.Path "/api/v1/incidents" "path"
                    Expect.equal request.QueryString "?component_id=1&sort=id&per_page=100" "query, no page"
                }
            clientTest "FindOpenIncidentAsync does not trust the server's order or filter"
            <| fun fake client ->
                task {
                    let body =
                        """{"meta":{},"data":[{"id":3,"name":"a","status":1,"component_id":1,"visible":1,"message":""},"""
                        + """{"id":9,"name":"b","status":2,"component_id":1,"visible":1,"message":""},"""
                        + """{"id":12,"name":"c","status":1,"component_id":5,"visible":1,"message":""},"""
                        + """{"id":5,"name":"d","status":1,"component_id":1,"visible":1,"message":""}]}"""

                    fake.FailNext(CachetFault.Raw(200, body, "application/json"))
                    let! found = client.FindOpenIncidentAsync(ComponentId 1, CancellationToken.None)

                    match found with
                    | null -> failtest "expected incident 9"
                    | incident -> Expect.equal incident.Id (IncidentId 9) "max id of the component"
                }
            clientTest "FindOpenIncidentAsync returns null when every incident is fixed"
            <| fun fake client ->
                task {
                    fake.AddIncident("fixed", 4, componentId = 1) |> ignore
                    let! found = client.FindOpenIncidentAsync(ComponentId 1, CancellationToken.None)
                    Expect.isNull found "none open"
                }
            clientTest "ListComponentsAsync follows the pages and yields every component, disabled ones too"
            <| fun fake client ->
                task {
                    for i in 1..1100 do
                        fake.AddComponent($"c{i}", enabled = (i % 9 <> 0)) |> ignore

                    let all = ResizeArray()
                    let items = client.ListComponentsAsync(CancellationToken.None).GetAsyncEnumerator()

                    let mutable more = true

                    while more do
                        let! next = items.MoveNextAsync()
                        more <- next

                        if more then
                            all.Add items.Current

                    do! items.DisposeAsync()
                    Expect.equal (all |> Seq.map _.Id.Value |> List.ofSeq) [ 1..1100 ] "all, in order"
                    Expect.equal (all |> Seq.filter (fun c -> not c.Enabled) |> Seq.length) 122 "disabled included"

                    let pages =
                        fake.Requests
                        |> Seq.filter (fun r -> r.Path = "/api/v1/components")
                        |> Seq.map _.QueryString
                        |> List.ofSeq

                    Expect.equal pages [ for page in 1..3 -> "?per_page=500&page=" + string page ] "three pages of 500"
                }
            clientTest "PingAsync succeeds against Cachet"
            <| fun _ client -> task { do! client.PingAsync(CancellationToken.None) }
            testTask "a trailing slash on the base URL is ignored" {
                do!
                    withFake (fun fake ->
                        task {
                            let client = CachetClient(http, fake.BaseUrl + "/", token)
                            do! client.PingAsync(CancellationToken.None)
                            Expect.equal (fake.Requests |> Seq.exactlyOne).Path "/api/v1/ping" "no double slash"
                        })
            }
            test "a base URL that is not absolute http(s) is refused" {
                for url in [ "status.example.com/api/v1"; "ftp://status.example.com/api/v1" ] do
                    Expect.throwsT<ArgumentException> (fun () -> CachetClient(http, url, token) |> ignore) url
            }
        ]

let private writes =
    testList
        "writes"
        [
            clientTest "SetComponentStatusAsync PUTs the status only, as JSON"
            <| fun fake client ->
                task {
                    let c = fake.AddComponent("api", 1, enabled = false)
                    do! client.SetComponentStatusAsync(ComponentId(c.Id), 4, CancellationToken.None)
                    Expect.equal (componentOf fake c.Id).Status 4 "status"
                    Expect.isFalse (componentOf fake c.Id).Enabled "nothing else changed"
                    Expect.equal (bodiesOf fake "PUT" $"/components/{c.Id}") [ """{"status":4}""" ] "body"

                    Expect.stringStarts
                        (fake.Requests[0].Header "Content-Type" |> string)
                        "application/json"
                        "content type"
                }
            clientTest "CreateIncidentAsync opens an incident, sets the component status and returns the id"
            <| fun fake client ->
                task {
                    let c = fake.AddComponent("api", 1)
                    fake.AddIncident("earlier", 4) |> ignore

                    let! id =
                        client.CreateIncidentAsync(
                            "api is unavailable",
                            "HTTP 503",
                            ComponentId(c.Id),
                            4,
                            false,
                            CancellationToken.None
                        )

                    Expect.equal id (IncidentId 2) "new id"
                    let incident = incidentOf fake id.Value

                    Expect.equal
                        (incident.Name, incident.Message, incident.Status)
                        ("api is unavailable", "HTTP 503", 1)
                        "fields"

                    Expect.isFalse incident.Visible "private"
                    Expect.isTrue incident.Notify "notify"
                    Expect.equal (componentOf fake c.Id).Status 4 "component status"

                    Expect.equal
                        (bodiesOf fake "POST" "/incidents")
                        [
                            """{"name":"api is unavailable","message":"HTTP 503","status":1,"visible":false,"component_id":1,"component_status":4,"notify":true}"""
                        ]
                        "JSON booleans and numbers"
                }
            clientTest "UpdateIncidentAsync posts an investigating update on 2.4"
            <| fun fake client ->
                task {
                    let i = fake.AddIncident("api has degraded performance", 1, componentId = 1)

                    do!
                        client.UpdateIncidentAsync(
                            IncidentId(i.Id),
                            "api is unavailable",
                            "HTTP 503",
                            ComponentId 1,
                            4,
                            true,
                            CancellationToken.None
                        )

                    let after = incidentOf fake i.Id

                    Expect.equal
                        (after.Updates |> Seq.map (fun u -> u.Status, u.Message) |> List.ofSeq)
                        [ 1, "HTTP 503" ]
                        "update"

                    Expect.equal after.Status 1 "investigating"
                    Expect.isEmpty (bodiesOf fake "PUT" $"/incidents/{i.Id}") "no fallback"
                }
            clientTestAt FakeCachetVersion.V23 "UpdateIncidentAsync falls back to PUT on 2.3 and keeps the visibility"
            <| fun fake client ->
                task {
                    let c = fake.AddComponent("api", 2)

                    let i =
                        fake.AddIncident("api has degraded performance", 1, componentId = c.Id, visible = false)

                    do!
                        client.UpdateIncidentAsync(
                            IncidentId(i.Id),
                            "api is unavailable",
                            "HTTP 503",
                            ComponentId(c.Id),
                            4,
                            false,
                            CancellationToken.None
                        )

                    let after = incidentOf fake i.Id

                    Expect.equal
                        (after.Name, after.Message, after.Status)
                        ("api is unavailable", "HTTP 503", 1)
                        "fields"

                    Expect.isFalse after.Visible "still private"

                    Expect.equal
                        (fake.Requests |> Seq.map (fun r -> r.Method + " " + r.Path) |> List.ofSeq)
                        [ $"POST /api/v1/incidents/{i.Id}/updates"; $"PUT /api/v1/incidents/{i.Id}" ]
                        "updates first, then PUT"
                }
            clientTest "ResolveIncidentAsync posts a fixed update on 2.4"
            <| fun fake client ->
                task {
                    let! after = resolvePrivateIncident fake client
                    Expect.equal (after.Updates |> Seq.map _.Message |> List.ofSeq) [ "api is operational" ] "message"
                    Expect.isEmpty (bodiesOf fake "PUT" $"/incidents/{after.Id}") "no fallback"
                }
            clientTestAt FakeCachetVersion.V23 "ResolveIncidentAsync falls back to PUT with visible on 2.3"
            <| fun fake client ->
                task {
                    let! after = resolvePrivateIncident fake client

                    Expect.equal
                        (bodiesOf fake "PUT" $"/incidents/{after.Id}")
                        [ """{"status":4,"visible":false}""" ]
                        "body"
                }
            testTask "ResolveIncidentAsync of a vanished incident returns false on 2.4 and 2.3" {
                for version in [ FakeCachetVersion.V24; FakeCachetVersion.V23 ] do
                    do!
                        withFakeAt version TimeProvider.System (fun fake ->
                            task {
                                let i = fake.AddIncident("gone", 1)
                                fake.RemoveIncident i.Id |> ignore

                                let! resolved =
                                    (clientOf fake)
                                        .ResolveIncidentAsync(IncidentId(i.Id), "ok", true, CancellationToken.None)

                                Expect.isFalse resolved $"{version}"
                            })
            }
            clientTest "UpdateIncidentAsync of a vanished incident fails as not found, naming it"
            <| fun _ client ->
                task {
                    let! e =
                        failure CachetApiErrorKind.NotFound (fun () ->
                            client.UpdateIncidentAsync(
                                IncidentId 5,
                                "n",
                                "m",
                                ComponentId 1,
                                4,
                                true,
                                CancellationToken.None
                            ))

                    Expect.stringStarts e.Message "incident 5 not found" "message"
                }
            clientTest "PushMetricPointAsync sends a plain decimal value and the timestamp"
            <| fun fake client ->
                task {
                    let m = fake.AddMetric "latency"
                    let at = DateTimeOffset(2026, 1, 31, 12, 0, 10, TimeSpan.Zero)

                    do!
                        client.PushMetricPointAsync(
                            MetricId(m.Id),
                            8.5e-05,
                            at.ToUnixTimeSeconds(),
                            CancellationToken.None
                        )

                    Expect.equal
                        (bodiesOf fake "POST" $"/metrics/{m.Id}/points")
                        [ $"""{{"value":0.000085,"timestamp":{at.ToUnixTimeSeconds()}}}""" ]
                        "body"

                    let point = fake.MetricPoints |> Seq.exactlyOne
                    Expect.equal point.Value 8.5e-05 "value"

                    Expect.equal
                        point.CreatedAt
                        (DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero))
                        "rounded timestamp"
                }
        ]

let private errors =
    testList
        "errors"
        [
            clientTest "a rejected token is Unauthorized and not transient"
            <| fun fake _ ->
                task {
                    fake.AddComponent "api" |> ignore
                    fake.RemoveToken token

                    let! e =
                        failure CachetApiErrorKind.Unauthorized (fun () ->
                            (clientOf fake).SetComponentStatusAsync(ComponentId 1, 2, CancellationToken.None))

                    Expect.stringStarts e.Message "Cachet rejected the API token" "message"
                    Expect.equal e.StatusCode (Nullable 401) "status"
                    Expect.isFalse e.IsTransient "not transient"
                }
            clientTest "a missing component is NotFound naming it and the URL requested"
            <| fun fake client ->
                task {
                    let! e =
                        failure CachetApiErrorKind.NotFound (fun () ->
                            client.GetComponentAsync(ComponentId 7, CancellationToken.None))

                    Expect.equal
                        e.Message
                        $"component 7 not found at {fake.BaseUrl}/components/7 (GET /components/7)"
                        "message"

                    Expect.isFalse e.IsTransient "not transient"
                }
            clientTest "a validation failure is BadRequest carrying Cachet's details"
            <| fun _ client ->
                task {
                    let! e =
                        failure CachetApiErrorKind.BadRequest (fun () ->
                            client.CreateIncidentAsync(" ", "m", ComponentId 1, 4, true, CancellationToken.None))

                    Expect.stringContains e.Message "The name field is required." "details"
                    Expect.equal e.StatusCode (Nullable 400) "status"
                }
            clientTest "5xx is a transient ServerError, also with a proxy's HTML page"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Status 500)

                    let! e =
                        failure CachetApiErrorKind.ServerError (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.equal e.StatusCode (Nullable 500) "status"
                    Expect.isTrue e.IsTransient "transient"
                    fake.FailNext(CachetFault.Raw(502, "<html>bad gateway</html>", "text/html"))

                    let! proxy =
                        failure CachetApiErrorKind.ServerError (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.equal proxy.StatusCode (Nullable 502) "502"
                }
            clientTest "429 is RateLimited with Retry-After in seconds"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.RateLimited "7")

                    let! e =
                        failure CachetApiErrorKind.RateLimited (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.equal e.RetryAfter (Nullable(TimeSpan.FromSeconds 7.0)) "retry after"
                    Expect.isTrue e.IsTransient "transient"
                    fake.FailNext(CachetFault.RateLimited null)

                    let! bare =
                        failure CachetApiErrorKind.RateLimited (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.equal bare.RetryAfter (Nullable()) "no header, no delay"
                }
            testTask "429 with an HTTP-date Retry-After is measured against the client's clock" {
                do!
                    withFake (fun fake ->
                        task {
                            let clock = ManualTime(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero))
                            let client = CachetClient(http, fake.BaseUrl, token, clock)
                            fake.FailNext(CachetFault.RateLimited "Sat, 31 Jan 2026 12:00:30 GMT")

                            let! e =
                                failure CachetApiErrorKind.RateLimited (fun () ->
                                    client.PingAsync(CancellationToken.None))

                            Expect.equal e.RetryAfter (Nullable(TimeSpan.FromSeconds 30.0)) "30 s"
                        })
            }
            clientTest "a huge Retry-After is capped at 60 s and garbage is no wait asked, never an exception"
            <| fun fake client ->
                task {
                    for (header, expected) in
                        [
                            "9999999", Nullable(TimeSpan.FromSeconds 60.0)
                            "-5", Nullable()
                            "abc", Nullable()
                        ] do
                        fake.FailNext(CachetFault.RateLimited header)

                        let! e =
                            failure CachetApiErrorKind.RateLimited (fun () -> client.PingAsync(CancellationToken.None))

                        Expect.equal e.RetryAfter expected header
                }
            clientTest "503 with Retry-After (maintenance) is a transient ServerError carrying the wait"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Unavailable "5")

                    let! e =
                        failure CachetApiErrorKind.ServerError (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.equal e.StatusCode (Nullable 503) "status"
                    Expect.equal e.RetryAfter (Nullable(TimeSpan.FromSeconds 5.0)) "retry after"
                    Expect.isTrue e.IsTransient "transient"
                }
            testTask "a refused connection is a transient Transport failure" {
                let! (started: FakeCachet) =
                    FakeCachet.StartAsync(FakeCachetVersion.V24, TimeProvider.System)

                let url = started.BaseUrl
                do! started.DisposeAsync()
                let client = CachetClient(http, url, token)

                let! (e: CachetApiException) =
                    failure CachetApiErrorKind.Transport (fun () -> client.PingAsync(CancellationToken.None))

                Expect.isTrue e.IsTransient "transient"
                Expect.equal e.StatusCode (Nullable()) "no status"
            }
            clientTest "a dropped connection is a Transport failure"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Abort())

                    let! _ =
                        failure CachetApiErrorKind.Transport (fun () -> client.PingAsync(CancellationToken.None))

                    ()
                }
            testTask "an answer slower than the HTTP client's timeout is a transient Timeout" {
                do!
                    withFake (fun fake ->
                        task {
                            use impatient = new HttpClient(Timeout = TimeSpan.FromMilliseconds 200.0)
                            let client = CachetClient(impatient, fake.BaseUrl, token)
                            fake.FailNext(CachetFault.Delayed(TimeSpan.FromSeconds 3.0))

                            let! e =
                                failure CachetApiErrorKind.Timeout (fun () -> client.PingAsync(CancellationToken.None))

                            Expect.isTrue e.IsTransient "transient"
                        })
            }
            clientTest "the caller's cancellation is an OperationCanceledException, not a Cachet failure"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Delayed(TimeSpan.FromSeconds 3.0))
                    use cts = new CancellationTokenSource(TimeSpan.FromMilliseconds 200.0)

                    let! outcome =
                        task {
                            try
                                do! client.PingAsync(cts.Token)
                                return "completed"
                            with
                            | :? OperationCanceledException -> return "cancelled"
                            | e -> return e.GetType().Name
                        }

                    Expect.equal outcome "cancelled" "cancelled"
                }
            clientTest "a success that is not JSON, or JSON of the wrong shape, is MalformedResponse"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Raw(200, "<html>maintenance</html>", "text/html"))

                    let! html =
                        failure CachetApiErrorKind.MalformedResponse (fun () ->
                            client.PingAsync(CancellationToken.None))

                    Expect.equal html.StatusCode (Nullable 200) "status"
                    Expect.isFalse html.IsTransient "not transient"
                    fake.FailNext(CachetFault.Raw(200, """{"data":[1,2]}""", "application/json"))

                    let! shape =
                        failure CachetApiErrorKind.MalformedResponse (fun () ->
                            client.GetComponentAsync(ComponentId 1, CancellationToken.None))

                    Expect.stringContains shape.Message "component" "names what was expected"
                    fake.FailNext(CachetFault.Raw(200, """{"data":{"id":"x"}}""", "application/json"))

                    let! _ =
                        failure CachetApiErrorKind.MalformedResponse (fun () ->
                            client.CreateIncidentAsync("n", "m", ComponentId 1, 4, true, CancellationToken.None))

                    ()
                }
            clientTest "another refusal such as 403 is UnexpectedStatus and not transient"
            <| fun fake client ->
                task {
                    fake.FailNext(CachetFault.Status 403)

                    let! e =
                        failure CachetApiErrorKind.UnexpectedStatus (fun () -> client.PingAsync(CancellationToken.None))

                    Expect.isFalse e.IsTransient "not transient"
                }
            testTask "the token never appears in a failure message or in the client's ToString" {
                do!
                    withFake (fun fake ->
                        task {
                            let client = clientOf fake
                            Expect.isFalse (client.ToString().Contains token) "ToString"

                            let faults =
                                [
                                    CachetFault.Status 401
                                    CachetFault.Status 404
                                    CachetFault.Status 400
                                    CachetFault.Status 500
                                    CachetFault.RateLimited "1"
                                    CachetFault.Abort()
                                    CachetFault.Raw(200, token, "text/plain")
                                ]

                            for f in faults do
                                fake.FailNext f

                                let! outcome =
                                    task {
                                        try
                                            do!
                                                client.SetComponentStatusAsync(
                                                    ComponentId 1,
                                                    2,
                                                    CancellationToken.None
                                                )

                                            return None
                                        with e ->
                                            return Some e
                                    }

                                match outcome with
                                | None -> failtest $"{f.Kind} should fail"
                                | Some e -> Expect.isFalse (e.ToString().Contains token) $"{f.Kind} {f.StatusCode}"
                        })
            }
        ]

let private plainDecimal =
    testList
        "metric values"
        [
            test "values are written as plain invariant decimals" {
                for (value, text) in
                    [
                        8.5e-05, "0.000085"
                        1.5, "1.5"
                        -2.5e-07, "-0.00000025"
                        1e21, "1000000000000000000000"
                        0.0, "0"
                        1234.5678, "1234.5678"
                    ] do
                    Expect.equal (CachetNumber.PlainDecimal value) text $"{value}"
            }
            test "NaN and infinities are refused" {
                for value in [ nan; infinity; -infinity ] do
                    Expect.throwsT<ArgumentOutOfRangeException>
                        (fun () -> CachetNumber.PlainDecimal value |> ignore)
                        $"{value}"
            }
            testProperty "every finite value is written without an exponent and reads back exactly"
            <| fun (NormalFloat value) ->
                let text = CachetNumber.PlainDecimal value

                Regex.IsMatch(text, @"^-?[0-9]+(\.[0-9]+)?$")
                && Double.Parse(text, CultureInfo.InvariantCulture) = value
        ]

[<Tests>]
let tests = testList "CachetClient" [ reads; writes; errors; plainDecimal ]
