module CachetMonitor.Tests.Host.FakeCachetTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers

/// Raw HTTP helpers over the fake Cachet, shared with the client tests.
module Wire =
    /// The API token the helpers register with every fake.
    let token = "wire-token-7Qx2"

    /// One HTTP client for every raw call.
    let http = new HttpClient(Timeout = TimeSpan.FromSeconds 10.0)

    /// What came back.
    type Reply =
        {
            Status: int
            Body: string
            ContentType: string
            Headers: Map<string, string>
        }

    /// A controllable clock for the fake.
    type ManualTime(start: DateTimeOffset) =
        inherit TimeProvider()
        let mutable now = start
        member _.Advance(by: TimeSpan) = now <- now + by
        member _.Set(at: DateTimeOffset) = now <- at
        override _.GetUtcNow() = now

    /// Starts a fake (with `token` registered), runs the test, disposes the fake.
    let withFakeAt (version: FakeCachetVersion) (time: TimeProvider) (test: FakeCachet -> Task<unit>) =
        task {
            let! started = FakeCachet.StartAsync(version, time)
            use fake = started
            fake.AddToken token
            do! test fake
        }

    /// Starts a 2.4 fake on the system clock.
    let withFake test =
        withFakeAt FakeCachetVersion.V24 TimeProvider.System test

    /// A component of the fake that must exist.
    let componentOf (fake: FakeCachet) id =
        match fake.Component id with
        | null -> failtest $"component {id} is missing"
        | c -> c

    /// An incident of the fake that must exist.
    let incidentOf (fake: FakeCachet) id =
        match fake.Incident id with
        | null -> failtest $"incident {id} is missing"
        | i -> i

    /// A test against a fresh 2.4 fake.
    let fakeTest name (body: FakeCachet -> Task<unit>) = testTask name { do! withFake body }

    /// A JSON body.
    let json (text: string) : HttpContent =
        new StringContent(text, Encoding.UTF8, "application/json")

    /// A form body.
    let form (pairs: (string * string) list) : HttpContent =
        new FormUrlEncodedContent(pairs |> List.map KeyValuePair.Create)

    /// Sends one request with these headers to `fake.BaseUrl + path` (or to `path` when it is absolute).
    let sendRaw
        (fake: FakeCachet)
        (httpMethod: string)
        (path: string)
        (headers: (string * string) list)
        (content: HttpContent option)
        =
        task {
            let url = if path.StartsWith "http" then path else fake.BaseUrl + path
            use request = new HttpRequestMessage(HttpMethod(httpMethod), url)

            for name, value in headers do
                request.Headers.TryAddWithoutValidation(name, value) |> ignore

            content |> Option.iter (fun c -> request.Content <- c)
            use! response = http.SendAsync request
            let! body = response.Content.ReadAsStringAsync()

            let headers =
                Seq.append response.Headers response.Content.Headers
                |> Seq.map (fun h -> h.Key.ToLowerInvariant(), String.Join(", ", h.Value))
                |> Map.ofSeq

            return
                {
                    Status = int response.StatusCode
                    Body = body
                    ContentType = headers |> Map.tryFind "content-type" |> Option.defaultValue ""
                    Headers = headers
                }
        }

    /// Sends one request to `fake.BaseUrl + path` (or to `path` when it is absolute), with the 2.x token header.
    let sendWith fake httpMethod path (apiToken: string option) (accept: string option) content =
        let headers =
            [
                yield! apiToken |> Option.map (fun t -> "X-Cachet-Token", t) |> Option.toList
                yield! accept |> Option.map (fun a -> "Accept", a) |> Option.toList
            ]

        sendRaw fake httpMethod path headers content

    /// GET as a guest.
    let guestGet fake path = sendWith fake "GET" path None None None

    /// GET with the token.
    let get fake path =
        sendWith fake "GET" path (Some token) None None

    /// A write with the token and a JSON body.
    let write fake httpMethod path body =
        sendWith fake httpMethod path (Some token) None (Some(json body))

    /// The root element of a JSON body.
    let parse (reply: Reply) =
        JsonDocument.Parse(reply.Body).RootElement

    /// The element at a dotted path (`data.0.id`).
    let at (path: string) (element: JsonElement) =
        path.Split('.', StringSplitOptions.RemoveEmptyEntries)
        |> Array.fold
            (fun (e: JsonElement) key ->
                match Int32.TryParse key with
                | true, index -> e[index]
                | _ -> e.GetProperty key)
            element

    /// An int at a path.
    let num path element = (at path element).GetInt32()

    /// A string at a path.
    let str path element =
        match (at path element).GetString() with
        | null -> failtest $"{path} is null"
        | s -> s

    /// A boolean at a path.
    let flag path element = (at path element).GetBoolean()

    /// A float at a path.
    let real path element = (at path element).GetDouble()

    /// Whether the object at a path has a property.
    let has path (key: string) element =
        (at path element).TryGetProperty(key) |> fst

    /// Whether the value at a path is JSON null.
    let isNull path element =
        (at path element).ValueKind = JsonValueKind.Null

    /// The length of the array at a path.
    let count path element = (at path element).GetArrayLength()

    /// The ids of `data`.
    let ids element =
        (at "data" element).EnumerateArray()
        |> Seq.map (fun e -> e.GetProperty("id").GetInt32())
        |> List.ofSeq

    /// The first error object of an error reply.
    let firstError reply = reply |> parse |> at "errors.0"

    /// The `meta.details` of a 400.
    let details reply =
        (firstError reply |> at "meta.details").EnumerateArray()
        |> Seq.map (fun e -> e.GetString() |> string)
        |> List.ofSeq

    /// Asserts a status code, showing the body on failure.
    let expectStatus (reply: Reply) status =
        Expect.equal reply.Status status $"status (body: {reply.Body})"

open Wire

let private unknownRoute =
    "The requested resource could not be found but may be available again in the future."

let private modelNotFound model =
    $"No query results for model [CachetHQ\\Cachet\\Models\\{model}]."

let private routing =
    testList
        "routes"
        [
            fakeTest "GET /ping answers Pong! as JSON data" (fun fake ->
                task {
                    let! reply = guestGet fake "/ping"
                    expectStatus reply 200
                    Expect.equal reply.ContentType "application/json" "content type"
                    Expect.equal reply.Body """{"data":"Pong!"}""" "body"
                })
            fakeTest "an unknown route is a 404 JSON error, inside and outside /api/v1" (fun fake ->
                task {
                    for path in [ "/nope"; "/components/1/nope"; fake.Root + "/elsewhere" ] do
                        let! reply = get fake path
                        expectStatus reply 404
                        let error = firstError reply
                        Expect.equal (num "status" error) 404 "status in body"
                        Expect.equal (str "title" error) "Not Found" "title"
                        Expect.equal (str "detail" error) unknownRoute "detail"
                        Expect.isTrue (Guid.TryParse(str "id" error) |> fst) "id is a uuid"
                })
            fakeTest "a known route with the wrong method is a 405 naming the allowed methods" (fun fake ->
                task {
                    fake.AddComponent "api" |> ignore
                    let! reply = write fake "POST" "/components/1" "{}"
                    expectStatus reply 405
                    Expect.equal (str "title" (firstError reply)) "Method Not Allowed" "title"
                    Expect.equal reply.Headers["allow"] "GET, PUT, DELETE" "Allow header"
                    let! ping = write fake "DELETE" "/ping" "{}"
                    expectStatus ping 405
                })
            fakeTest "DELETE answers 204 with an empty body" (fun fake ->
                task {
                    let c = fake.AddComponent "api"
                    let! reply = sendWith fake "DELETE" $"/components/{c.Id}" (Some token) None None
                    expectStatus reply 204
                    Expect.equal reply.Body "" "no body"
                    Expect.isEmpty fake.Components "deleted"
                })
        ]

let private auth =
    testList
        "tokens"
        [
            fakeTest "a write without a token or with an unknown one is 401 and changes nothing" (fun fake ->
                task {
                    let c = fake.AddComponent("api", 1)

                    for t in [ None; Some "not-a-token" ] do
                        let! reply =
                            sendWith fake "PUT" $"/components/{c.Id}" t None (Some(json """{"status":4}"""))

                        expectStatus reply 401
                        let error = firstError reply
                        Expect.equal (str "title" error) "Unauthorized" "title"

                        Expect.equal
                            (str "detail" error)
                            "Authentication is required and has failed or has not yet been provided."
                            "detail"

                    Expect.equal (componentOf fake c.Id).Status 1 "status unchanged"
                })
            fakeTest "guests do not see disabled components in the list but can read them by id" (fun fake ->
                task {
                    fake.AddComponent("on", enabled = true) |> ignore
                    let off = fake.AddComponent("off", enabled = false)
                    let! guest = guestGet fake "/components"
                    Expect.equal (ids (parse guest)) [ 1 ] "guest list"
                    let! wrongToken = sendWith fake "GET" "/components" (Some "bogus") None None
                    expectStatus wrongToken 200
                    Expect.equal (ids (parse wrongToken)) [ 1 ] "an unknown token on a GET is a guest"
                    let! member' = get fake "/components"
                    Expect.equal (ids (parse member')) [ 1; 2 ] "with the token"
                    let! one = guestGet fake $"/components/{off.Id}"
                    expectStatus one 200
                    Expect.isFalse (flag "data.enabled" (parse one)) "disabled one by id"
                })
            fakeTest "guests do not see invisible incidents" (fun fake ->
                task {
                    fake.AddIncident("public", 1, visible = true) |> ignore
                    fake.AddIncident("private", 1, visible = false) |> ignore
                    let! guest = guestGet fake "/incidents"
                    Expect.equal (ids (parse guest)) [ 1 ] "guest"
                    let! member' = get fake "/incidents"
                    Expect.equal (ids (parse member')) [ 1; 2 ] "with the token"
                })
        ]

let private accept =
    testList
        "accept"
        [
            fakeTest "a request that does not accept JSON gets a 406 HTML page" (fun fake ->
                task {
                    let! reply = sendWith fake "GET" "/ping" None (Some "text/html") None
                    expectStatus reply 406
                    Expect.stringStarts reply.ContentType "text/html" "HTML"
                    Expect.stringContains reply.Body "<html>" "page"
                })
            fakeTest "no Accept, */*, application/* and application/json with parameters are all fine" (fun fake ->
                task {
                    for a in
                        [
                            None
                            Some "*/*"
                            Some "application/*"
                            Some "text/html, application/json;q=0.9"
                        ] do
                        let! reply = sendWith fake "GET" "/ping" None a None
                        expectStatus reply 200
                })
        ]

let private input =
    testList
        "input"
        [
            fakeTest "query, form and JSON merge with the body winning, strings trimmed" (fun fake ->
                task {
                    let c = fake.AddComponent("api", 1)
                    let! q = sendWith fake "PUT" $"/components/{c.Id}?status=2" (Some token) None None
                    expectStatus q 200
                    Expect.equal (componentOf fake c.Id).Status 2 "query alone"

                    let! both =
                        write fake "PUT" $"/components/{c.Id}?status=2&name=fromquery" """{"status":3}"""

                    expectStatus both 200
                    Expect.equal (componentOf fake c.Id).Status 3 "JSON beats the query"
                    Expect.equal (componentOf fake c.Id).Name "fromquery" "the query still counts"

                    let! f =
                        sendWith
                            fake
                            "PUT"
                            $"/components/{c.Id}?status=1"
                            (Some token)
                            None
                            (Some(form [ "status", "4"; "name", "  spaced  " ]))

                    expectStatus f 200
                    Expect.equal (componentOf fake c.Id).Status 4 "form beats the query"
                    Expect.equal (componentOf fake c.Id).Name "spaced" "trimmed"
                })
            fakeTest "numeric strings are accepted as integers" (fun fake ->
                task {
                    let c = fake.AddComponent("api", 1)
                    let! reply = write fake "PUT" $"/components/{c.Id}" """{"status":"2"}"""
                    expectStatus reply 200
                    Expect.equal (num "data.status" (parse reply)) 2 "status"
                })
            fakeTest "2.4 casts booleans PHP-style: \"\" and \"0\" are false, \"False\" is true" (fun fake ->
                task {
                    for (sent, expected) in [ "False", 1; "0", 0; "", 0; "1", 1; "no", 1 ] do
                        let! reply =
                            sendWith
                                fake
                                "POST"
                                $"/incidents?visible={Uri.EscapeDataString sent}"
                                (Some token)
                                None
                                (Some(form [ "name", "x"; "status", "1" ]))

                        expectStatus reply 200
                        Expect.equal (num "data.visible" (parse reply)) expected $"visible={sent}"

                    let! jsonFalse =
                        write fake "POST" "/incidents" """{"name":"x","status":1,"visible":false}"""

                    Expect.equal (num "data.visible" (parse jsonFalse)) 0 "JSON false"
                })
        ]

let private create =
    testList
        "create"
        [
            fakeTest "a create answers 200 with the object under data" (fun fake ->
                task {
                    let! reply =
                        write fake "POST" "/incidents" """{"name":"down","status":1,"message":"m"}"""

                    expectStatus reply 200
                    let root = parse reply
                    Expect.equal (num "data.id" root) 1 "id"
                    Expect.equal (str "data.name" root) "down" "name"
                    Expect.equal (num "data.visible" root) 1 "visible default 1"
                    Expect.isTrue (flag "data.notifications" root) "notify default true"
                    Expect.isFalse (flag "data.stickied" root) "stickied default false"
                    Expect.equal (str "data.human_status" root) "Investigating" "human status"
                    Expect.equal (count "data.updates" root) 0 "no updates"
                })
        ]

let private seed n (fake: FakeCachet) =
    for i in 1..n do
        fake.AddComponent($"c{i}", (i % 4) + 1) |> ignore

let private pagination =
    testList
        "pagination"
        [
            fakeTest "the first page of 45 has meta before data and absolute links" (fun fake ->
                task {
                    seed 45 fake
                    let! reply = get fake "/components"

                    Expect.isLessThan (reply.Body.IndexOf "\"meta\"") (reply.Body.IndexOf "\"data\"") "meta first"

                    let p = parse reply |> at "meta.pagination"
                    Expect.equal (num "total" p) 45 "total"
                    Expect.equal (num "count" p) 20 "count"
                    Expect.equal (num "per_page" p) 20 "per_page default"
                    Expect.equal (num "current_page" p) 1 "current"
                    Expect.equal (num "total_pages" p) 3 "total pages"
                    Expect.equal (str "links.next_page" p) $"{fake.BaseUrl}/components?page=2" "next"
                    Expect.isTrue (isNull "links.previous_page" p) "no previous on page 1"
                })
            fakeTest "links keep every original query parameter but page, in order, then page" (fun fake ->
                task {
                    seed 45 fake
                    let! reply = get fake "/components?page=2&per_page=20&x=a b"
                    let p = parse reply |> at "meta.pagination"

                    Expect.equal (str "links.next_page" p) $"{fake.BaseUrl}/components?per_page=20&x=a+b&page=3" "next"

                    Expect.equal
                        (str "links.previous_page" p)
                        $"{fake.BaseUrl}/components?per_page=20&x=a+b&page=1"
                        "previous"

                    Expect.equal (num "current_page" p) 2 "current"
                })
            fakeTest "the last page has no next link and past the end the data is empty" (fun fake ->
                task {
                    seed 45 fake
                    let! last = get fake "/components?page=3"
                    let p = parse last |> at "meta.pagination"
                    Expect.equal (num "count" p) 5 "count"
                    Expect.isTrue (isNull "links.next_page" p) "no next"
                    Expect.equal (ids (parse last)) [ 41..45 ] "ids"
                    let! past = get fake "/components?page=9"
                    let pp = parse past |> at "meta.pagination"
                    Expect.equal (count "data" (parse past)) 0 "empty"
                    Expect.equal (num "current_page" pp) 9 "requested page"
                    Expect.equal (str "links.previous_page" pp) $"{fake.BaseUrl}/components?page=8" "previous"
                })
            fakeTest "an empty list has one page and a bad page number means page 1" (fun fake ->
                task {
                    let! empty = get fake "/components"
                    Expect.equal (num "meta.pagination.total_pages" (parse empty)) 1 "one page"
                    seed 3 fake

                    for page in [ "abc"; "0"; "-2" ] do
                        let! reply = get fake $"/components?page={page}"
                        Expect.equal (num "meta.pagination.current_page" (parse reply)) 1 page
                })
            testPropertyWithConfig
                { FsCheckConfig.defaultConfig with
                    maxTest = 12
                }
                "walking next_page from page 1 lists every component exactly once"
            <| fun (rows: byte) (size: byte) ->
                let n = int rows % 60
                let perPage = int size % 25 + 1

                (withFake (fun fake ->
                    task {
                        seed n fake
                        let mutable link = Some $"{fake.BaseUrl}/components?per_page={perPage}"
                        let seen = ResizeArray()
                        let mutable pages = 0

                        while link.IsSome do
                            let! reply = get fake link.Value
                            let root = parse reply
                            seen.AddRange(ids root)
                            pages <- pages + 1

                            Expect.equal
                                (num "meta.pagination.total_pages" root)
                                (max 1 ((n + perPage - 1) / perPage))
                                "pages"

                            link <-
                                if isNull "meta.pagination.links.next_page" root then
                                    None
                                else
                                    Some(str "meta.pagination.links.next_page" root)

                        Expect.equal (List.ofSeq seen) [ 1..n ] "each once, in order"
                        Expect.equal pages (max 1 ((n + perPage - 1) / perPage)) "followed every page"
                    }))
                    .GetAwaiter()
                    .GetResult()
        ]

let private filters =
    testList
        "filters"
        [
            fakeTest "a searchable column filters exactly, names case-insensitively" (fun fake ->
                task {
                    seed 8 fake
                    let! byStatus = get fake "/components?status=4"
                    Expect.equal (ids (parse byStatus)) [ 3; 7 ] "status 4"
                    let! byName = get fake "/components?name=C5"
                    Expect.equal (ids (parse byName)) [ 5 ] "name"
                    let! unknownOnly = get fake "/components?foo=1"
                    Expect.equal (count "data" (parse unknownOnly)) 8 "no searchable key: no filter"
                })
            fakeTest "sort orders descending whatever order says" (fun fake ->
                task {
                    seed 4 fake

                    for q in [ "sort=id"; "sort=id&order=asc"; "sort=id&order=desc" ] do
                        let! reply = get fake $"/components?{q}"
                        Expect.equal (ids (parse reply)) [ 4; 3; 2; 1 ] q
                })
            fakeTest "a filter together with page is a 500, so following a filtered next_page fails" (fun fake ->
                task {
                    for i in 1..25 do
                        fake.AddIncident($"i{i}", 1, componentId = 7) |> ignore

                    let! first = get fake "/incidents?component_id=7"
                    expectStatus first 200
                    Expect.equal (num "meta.pagination.total" (parse first)) 25 "total"
                    let next = str "meta.pagination.links.next_page" (parse first)
                    Expect.equal next $"{fake.BaseUrl}/incidents?component_id=7&page=2" "next link"
                    let! followed = get fake next
                    expectStatus followed 500
                    let error = firstError followed
                    Expect.equal (str "title" error) "Internal Server Error" "title"

                    Expect.equal
                        (str "detail" error)
                        "An error has occurred and this resource cannot be displayed."
                        "detail"
                })
            fakeTest "the monitor's adopt query filters, sorts descending and pages by 100" (fun fake ->
                task {
                    for i in 1..30 do
                        fake.AddIncident(
                            $"i{i}",
                            (if i = 29 then 2 else 4),
                            componentId = (if i % 2 = 1 then 7 else 8)
                        )
                        |> ignore

                    let! reply = get fake "/incidents?component_id=7&sort=id&per_page=100"
                    expectStatus reply 200
                    let got = ids (parse reply)
                    Expect.equal got [ 29..-2..1 ] "component 7, newest first"
                    Expect.equal (num "meta.pagination.per_page" (parse reply)) 100 "per page"
                })
        ]

let private validation =
    testList
        "validation"
        [
            fakeTest "missing required fields are a 400 listing every Laravel message" (fun fake ->
                task {
                    let! reply = write fake "POST" "/incidents" "{}"
                    expectStatus reply 400
                    let error = firstError reply
                    Expect.equal (str "title" error) "Bad Request" "title"

                    Expect.equal (str "detail" error) "The request cannot be fulfilled due to bad syntax." "detail"

                    Expect.equal
                        (details reply)
                        [ "The name field is required."; "The status field is required." ]
                        "details"
                })
            fakeTest "integer, min, max and required_with rules give Laravel's texts" (fun fake ->
                task {
                    let cases =
                        [
                            """{"name":"x","status":"abc"}""", "The status must be an integer."
                            """{"name":"x","status":9}""", "The status may not be greater than 4."
                            """{"name":"x","status":-1}""", "The status must be at least 0."
                            """{"name":"x","status":1,"component_id":3}""",
                            "The component status field is required when component id is present."
                            """{"name":"x","status":1,"component_status":3}""",
                            "The component id field is required when component status is present."
                            """{"name":"   ","status":1}""", "The name field is required."
                        ]

                    for (body, message) in cases do
                        let! reply = write fake "POST" "/incidents" body
                        expectStatus reply 400
                        Expect.equal (details reply) [ message ] body

                    Expect.isEmpty fake.Incidents "nothing created"
                })
            fakeTest "enabled on a component takes the strict boolean rule" (fun fake ->
                task {
                    let c = fake.AddComponent "api"
                    let! reply = write fake "PUT" $"/components/{c.Id}" """{"enabled":"yes"}"""
                    expectStatus reply 400
                    Expect.equal (details reply) [ "The enabled field must be true or false." ] "details"
                })
            fakeTest "a missing record is a 404 naming the model" (fun fake ->
                task {
                    for (httpMethod, path, model) in
                        [
                            "GET", "/components/99", "Component"
                            "PUT", "/components/99", "Component"
                            "GET", "/metrics/99", "Metric"
                            "POST", "/metrics/99/points", "Metric"
                            "PUT", "/incidents/99", "Incident"
                            "POST", "/incidents/99/updates", "Incident"
                            "GET", "/components/abc", "Component"
                        ] do
                        let! reply = write fake httpMethod path """{"status":1,"message":"m","value":1}"""
                        expectStatus reply 404
                        Expect.equal (str "detail" (firstError reply)) (modelNotFound model) path
                })
        ]

let private sideEffects =
    testList
        "side effects"
        [
            fakeTest "POST /incidents sets the named component's status" (fun fake ->
                task {
                    let c = fake.AddComponent("api", 1)

                    let! reply =
                        write
                            fake
                            "POST"
                            "/incidents"
                            $"""{{"name":"down","status":1,"component_id":{c.Id},"component_status":4}}"""

                    expectStatus reply 200
                    Expect.equal (componentOf fake c.Id).Status 4 "component status"
                    Expect.equal fake.Incidents[0].ComponentId c.Id "linked"
                })
            fakeTest
                "an unknown component id is stored without error and component_status 0 changes nothing"
                (fun fake ->
                    task {
                        let c = fake.AddComponent("api", 2)

                        let! unknown =
                            write
                                fake
                                "POST"
                                "/incidents"
                                """{"name":"x","status":1,"component_id":42,"component_status":4}"""

                        expectStatus unknown 200
                        Expect.equal (num "data.component_id" (parse unknown)) 42 "stored"

                        let! zero =
                            write
                                fake
                                "POST"
                                "/incidents"
                                $"""{{"name":"x","status":1,"component_id":{c.Id},"component_status":0}}"""

                        expectStatus zero 200
                        Expect.equal (componentOf fake c.Id).Status 2 "unchanged"
                    })
            fakeTest
                "PUT /incidents resets visible and stickied unless sent and may set the component status"
                (fun fake ->
                    task {
                        let c = fake.AddComponent("api", 1)

                        let i =
                            fake.AddIncident("x", 1, componentId = c.Id, visible = false, stickied = true)

                        let! reset = write fake "PUT" $"/incidents/{i.Id}" """{"status":2}"""
                        expectStatus reset 200
                        let after = incidentOf fake i.Id
                        Expect.isTrue after.Visible "visible reset to 1"
                        Expect.isFalse after.Stickied "stickied reset to 0"
                        Expect.equal after.Status 2 "status"
                        Expect.equal (componentOf fake c.Id).Status 1 "component untouched without component_id"

                        let! kept =
                            write
                                fake
                                "PUT"
                                $"/incidents/{i.Id}"
                                $"""{{"visible":0,"component_id":{c.Id},"component_status":3}}"""

                        expectStatus kept 200
                        Expect.isFalse (incidentOf fake i.Id).Visible "visible kept when sent"
                        Expect.equal (componentOf fake c.Id).Status 3 "component status set"
                    })
            fakeTest
                "an update takes status 1 to 4, sets the incident's status and leaves components alone"
                (fun fake ->
                    task {
                        let c = fake.AddComponent("api", 4)
                        let i = fake.AddIncident("x", 1, componentId = c.Id)

                        let! zero =
                            write fake "POST" $"/incidents/{i.Id}/updates" """{"status":0,"message":"m"}"""

                        expectStatus zero 400
                        Expect.equal (details zero) [ "The status must be at least 1." ] "min 1"
                        let! noMessage = write fake "POST" $"/incidents/{i.Id}/updates" """{"status":4}"""
                        Expect.equal (details noMessage) [ "The message field is required." ] "message required"

                        let! fixedReply =
                            write
                                fake
                                "POST"
                                $"/incidents/{i.Id}/updates"
                                $"""{{"status":4,"message":"ok","component_id":{c.Id},"component_status":1}}"""

                        expectStatus fixedReply 200
                        let root = parse fixedReply
                        Expect.equal (num "data.incident_id" root) i.Id "incident id"
                        Expect.equal (str "data.human_status" root) "Fixed" "human status"
                        Expect.equal (incidentOf fake i.Id).Status 4 "incident fixed"
                        Expect.equal (incidentOf fake i.Id).Updates.Count 1 "one update"
                        Expect.equal (componentOf fake c.Id).Status 4 "component untouched"
                        let! incident = get fake $"/incidents/{i.Id}"
                        let shown = parse incident
                        Expect.equal (num "data.updates.0.status" shown) 4 "update listed"
                        Expect.isTrue (flag "data.is_resolved" shown) "resolved"
                        Expect.equal (num "data.latest_status" shown) 4 "latest status"
                    })
            fakeTest
                "PUT /components changes only what is sent and keeps a disabled component disabled on 2.4"
                (fun fake ->
                    task {
                        let c = fake.AddComponent("api", 1, enabled = false, link = "http://x")
                        let! reply = write fake "PUT" $"/components/{c.Id}" """{"status":3}"""
                        expectStatus reply 200
                        let after = componentOf fake c.Id
                        Expect.equal after.Status 3 "status"
                        Expect.isFalse after.Enabled "still disabled"
                        Expect.equal after.Link "http://x" "link kept"
                        Expect.equal (str "data.status_name" (parse reply)) "Partial Outage" "status name"
                    })
        ]

let private version23 =
    testList
        "2.3 mode"
        [
            testTask "has no updates route" {
                do!
                    withFakeAt FakeCachetVersion.V23 TimeProvider.System (fun fake ->
                        task {
                            let i = fake.AddIncident("x", 1)

                            let! reply =
                                write fake "POST" $"/incidents/{i.Id}/updates" """{"status":4,"message":"m"}"""

                            expectStatus reply 404
                            Expect.equal (str "detail" (firstError reply)) unknownRoute "route, not model"
                            Expect.equal (incidentOf fake i.Id).Status 1 "untouched"
                        })
            }
            testTask "a PUT on a component re-enables it" {
                do!
                    withFakeAt FakeCachetVersion.V23 TimeProvider.System (fun fake ->
                        task {
                            let c = fake.AddComponent("api", 1, enabled = false)
                            let! reply = write fake "PUT" $"/components/{c.Id}" """{"status":2}"""
                            expectStatus reply 200
                            Expect.isTrue (componentOf fake c.Id).Enabled "re-enabled"
                        })
            }
            testTask "booleans take the strict rule and incidents show scheduled_at" {
                do!
                    withFakeAt FakeCachetVersion.V23 TimeProvider.System (fun fake ->
                        task {
                            let! bad =
                                sendWith fake "POST" "/incidents?name=x&status=1&visible=True" (Some token) None None

                            expectStatus bad 400
                            Expect.equal (details bad) [ "The visible field must be true or false." ] "strict"

                            let! good =
                                sendWith fake "POST" "/incidents?name=x&status=1&visible=0" (Some token) None None

                            expectStatus good 200
                            let root = parse good
                            Expect.equal (num "data.visible" root) 0 "visible 0"
                            Expect.isTrue (has "data" "scheduled_at" root) "scheduled_at"
                            Expect.isFalse (has "data" "updates" root) "no updates"
                        })
            }
        ]

let private start = DateTimeOffset(2026, 1, 31, 12, 10, 20, TimeSpan.Zero)

let private metrics =
    testList
        "metric points"
        [
            testTask "created_at is rounded to the nearest 30 seconds" {
                let clock = ManualTime(DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero))

                do!
                    withFakeAt FakeCachetVersion.V24 clock (fun fake ->
                        task {
                            let m = fake.AddMetric("latency", threshold = 1)

                            let baseSeconds =
                                DateTimeOffset(2026, 1, 31, 11, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()

                            for (offset, expected) in
                                [
                                    14L, "2026-01-31 11:00:00"
                                    15L, "2026-01-31 11:00:30"
                                    44L, "2026-01-31 11:00:30"
                                ] do
                                let! reply =
                                    write
                                        fake
                                        "POST"
                                        $"/metrics/{m.Id}/points"
                                        $"""{{"value":{offset},"timestamp":{baseSeconds + offset}}}"""

                                expectStatus reply 200
                                Expect.equal (str "data.created_at" (parse reply)) expected $"+{offset}s"
                        })
            }
            testTask "the same value within the threshold window bumps the counter instead of adding a point" {
                let clock = ManualTime start

                do!
                    withFakeAt FakeCachetVersion.V24 clock (fun fake ->
                        task {
                            let m = fake.AddMetric("latency", threshold = 5)

                            let unix (h, mi, s) =
                                DateTimeOffset(2026, 1, 31, h, mi, s, TimeSpan.Zero).ToUnixTimeSeconds()

                            let post body =
                                write fake "POST" $"/metrics/{m.Id}/points" body
                            // window start: start of the minute 4 minutes before 12:10:20 = 12:06:00
                            let! first = post $"""{{"value":0.25,"timestamp":{unix (12, 6, 0)}}}"""
                            Expect.equal (num "data.counter" (parse first)) 1 "new point starts at 1"
                            let! again = post """{"value":"0.25"}"""
                            let root = parse again
                            Expect.equal (num "data.id" root) 1 "same point"
                            Expect.equal (num "data.counter" root) 2 "counter bumped"
                            Expect.equal (real "data.calculated_value" root) 0.5 "value × counter"
                            let! other = post """{"value":0.5}"""
                            Expect.equal (num "data.id" (parse other)) 2 "another value is a new point"
                            let! old = post $"""{{"value":7,"timestamp":{unix (12, 5, 40)}}}"""
                            Expect.equal (str "data.created_at" (parse old)) "2026-01-31 12:05:30" "rounded"
                            let! outside = post """{"value":7}"""
                            Expect.equal (num "data.id" (parse outside)) 4 "12:05:30 is before the window"
                            clock.Advance(TimeSpan.FromMinutes 5.0)
                            let! later = post """{"value":0.25}"""
                            Expect.equal (num "data.counter" (parse later)) 1 "the window moved on"
                            Expect.equal fake.MetricPoints.Count 5 "points"
                        })
            }
            fakeTest "value is required and numeric, timestamp an integer" (fun fake ->
                task {
                    let m = fake.AddMetric "latency"
                    let! missing = write fake "POST" $"/metrics/{m.Id}/points" "{}"
                    Expect.equal (details missing) [ "The value field is required." ] "required"

                    let! text =
                        write fake "POST" $"/metrics/{m.Id}/points" """{"value":"fast","timestamp":"x"}"""

                    Expect.equal
                        (details text)
                        [ "The value must be a number."; "The timestamp must be an integer." ]
                        "types"
                })
            testTask "timestamps render as Y-m-d H:i:s from the fake's clock" {
                let clock = ManualTime start

                do!
                    withFakeAt FakeCachetVersion.V24 clock (fun fake ->
                        task {
                            fake.AddComponent "api" |> ignore
                            let! reply = get fake "/components/1"
                            Expect.equal (str "data.created_at" (parse reply)) "2026-01-31 12:10:20" "created_at"
                            let m = fake.AddMetric "m"
                            let! metric = get fake $"/metrics/{m.Id}"
                            Expect.equal (num "data.threshold" (parse metric)) 5 "threshold default"
                        })
            }
        ]

let private log =
    testList
        "request log"
        [
            fakeTest "records method, path, query, headers and body of every request" (fun fake ->
                task {
                    fake.AddComponent "api" |> ignore
                    let! _ = write fake "PUT" "/components/1?id=1" """{"status":2}"""
                    let! _ = guestGet fake "/nowhere"
                    let logged = fake.Requests
                    Expect.equal logged.Count 2 "two requests"
                    let put = logged[0]
                    Expect.equal put.Method "PUT" "method"
                    Expect.equal put.Path "/api/v1/components/1" "path"
                    Expect.equal put.QueryString "?id=1" "query"
                    Expect.equal (put.Header "X-Cachet-Token" |> Option.ofObj) (Some token) "token header"
                    Expect.equal put.Body """{"status":2}""" "body"
                    Expect.equal logged[1].Path "/api/v1/nowhere" "rejected ones too"
                    fake.ClearRequests()
                    Expect.isEmpty fake.Requests "cleared"
                })
        ]

let private faults =
    testList
        "fault injection"
        [
            fakeTest "FailNext answers the next N matching requests with the status, then recovers" (fun fake ->
                task {
                    fake.FailNext(CachetFault.Status 503, 2, path = "/ping")
                    let! other = get fake "/components"
                    expectStatus other 200
                    let! a = get fake "/ping"
                    let! b = get fake "/ping"
                    let! c = get fake "/ping"
                    Expect.equal [ a.Status; b.Status; c.Status ] [ 503; 503; 200 ] "two faults"
                    Expect.equal (num "status" (firstError a)) 503 "JSON error body"
                })
            fakeTest "a method filter and a segment-prefix path filter narrow the match" (fun fake ->
                task {
                    let i = fake.AddIncident("x", 1)
                    fake.FailUntilCleared(CachetFault.Status(), "POST", "/incidents")
                    let! read = get fake $"/incidents/{i.Id}"
                    expectStatus read 200

                    let! nested =
                        write fake "POST" $"/incidents/{i.Id}/updates" """{"status":4,"message":"m"}"""

                    expectStatus nested 500
                    let! again = write fake "POST" "/incidents" """{"name":"x","status":1}"""
                    expectStatus again 500
                    fake.ClearFaults()
                    let! cleared = write fake "POST" "/incidents" """{"name":"x","status":1}"""
                    expectStatus cleared 200
                })
            fakeTest "a rate-limit fault answers 429 with Retry-After" (fun fake ->
                task {
                    fake.FailNext(CachetFault.RateLimited "7")
                    let! reply = get fake "/ping"
                    expectStatus reply 429
                    Expect.equal reply.Headers["retry-after"] "7" "Retry-After"
                })
            fakeTest "a delay fault answers normally after the delay" (fun fake ->
                task {
                    fake.FailNext(CachetFault.Delayed(TimeSpan.FromMilliseconds 300.0))
                    let watch = Stopwatch.StartNew()
                    let! reply = get fake "/ping"
                    expectStatus reply 200
                    Expect.isGreaterThanOrEqual watch.ElapsedMilliseconds 290L "delayed"
                })
            fakeTest "an abort fault drops the connection" (fun fake ->
                task {
                    fake.FailNext(CachetFault.Abort())
                    let! outcome = get fake "/ping" |> Async.AwaitTask |> Async.Catch

                    match outcome with
                    | Choice2Of2 _ -> ()
                    | Choice1Of2 reply -> failtest $"expected a dropped connection, got {reply.Status}"

                    let! next = get fake "/ping"
                    expectStatus next 200
                })
            fakeTest
                "garbling faults answer normally but with a charset label, a key written twice or a byte that is not UTF-8"
                (fun fake ->
                    task {
                        fake.AddComponent "api" |> ignore

                        let raw (fault: CachetFault) =
                            task {
                                fake.FailNext fault
                                use! response = http.GetAsync(fake.BaseUrl + "/components/1")
                                let! bytes = response.Content.ReadAsByteArrayAsync()
                                return int response.StatusCode, string response.Content.Headers.ContentType, bytes
                            }

                        let! (status, contentType, labelled) = raw (CachetFault.WithCharset "klingon")
                        Expect.equal (status, contentType) (200, "application/json; charset=klingon") "labelled"
                        Expect.stringContains (Encoding.UTF8.GetString labelled) "\"name\":\"api\"" "the normal answer"
                        let! (_, _, twice) = raw (CachetFault.DuplicatedKey "name")

                        Expect.stringContains
                            (Encoding.UTF8.GetString twice)
                            "\"name\":\"api\",\"name\":\"api\""
                            "twice"

                        let! (_, _, broken) = raw (CachetFault.InvalidUtf8())
                        let at = Array.IndexOf(broken, 0xFFuy)

                        Expect.equal
                            (Encoding.ASCII.GetString(broken, at - 8, 8))
                            "\"name\":\""
                            "before the name's first letter"

                        Expect.equal (Encoding.ASCII.GetString(broken, at + 1, 4)) "api\"" "the name follows"
                    })
            testTask "a time-window fault ends when the fake's clock passes the window" {
                let clock = ManualTime start

                do!
                    withFakeAt FakeCachetVersion.V24 clock (fun fake ->
                        task {
                            fake.FailFor(CachetFault.Status(), TimeSpan.FromMinutes 1.0)
                            let! during = get fake "/ping"
                            let! stillDuring = get fake "/ping"
                            clock.Advance(TimeSpan.FromMinutes 1.0)
                            let! after = get fake "/ping"
                            Expect.equal [ during.Status; stillDuring.Status; after.Status ] [ 500; 500; 200 ] "window"
                        })
            }
        ]

[<Tests>]
let tests =
    testList
        "FakeCachet"
        [
            routing
            auth
            accept
            input
            create
            pagination
            filters
            validation
            sideEffects
            version23
            metrics
            log
            faults
        ]

/// Starts a target server, runs the test, disposes it.
let private withTarget (test: TargetServer -> Task<unit>) =
    task {
        let! started = TargetServer.StartAsync()
        use target = started
        do! test target
    }

/// GETs a URL on the target; the outcome or the exception.
let private fetch (client: HttpClient) (url: string) =
    task {
        try
            use! response = client.GetAsync url
            let! bytes = response.Content.ReadAsByteArrayAsync()

            let contentType =
                response.Content.Headers.ContentType |> Option.ofObj |> Option.map string

            return Ok(int response.StatusCode, bytes, contentType)
        with e ->
            return Error e
    }

[<Tests>]
let targetTests =
    testList
        "TargetServer"
        [
            testTask "every path answers 200 with the default page and is counted" {
                do!
                    withTarget (fun target ->
                        task {
                            let! a = fetch http (target.Url "/health")
                            let! b = fetch http (target.Url "health")

                            match a, b with
                            | Ok(200, body, Some contentType), Ok(200, _, _) ->
                                Expect.equal (Encoding.UTF8.GetString body) TargetBehaviour.DefaultBody "body"
                                Expect.equal contentType "text/html; charset=utf-8" "content type"
                            | other -> failtest $"unexpected {other}"

                            Expect.equal (target.Hits "/health") 2 "two hits"
                            Expect.equal (target.Hits "/other") 0 "none elsewhere"
                            let log = target.HitLog "/health"
                            Expect.isLessThanOrEqual log[0].Time log[1].Time "ordered"
                            Expect.equal log[0].Method "GET" "method"
                        })
            }
            testTask "a path answers with its status, body and charset" {
                do!
                    withTarget (fun target ->
                        task {
                            target.Set("/down", TargetBehaviour.WithStatus 503)
                            target.Set("/latin", TargetBehaviour.WithBody("café", "text/plain", "iso-8859-1"))
                            let! down = fetch http (target.Url "/down")
                            let! latin = fetch http (target.Url "/latin")

                            match down, latin with
                            | Ok(503, _, _), Ok(200, bytes, Some contentType) ->
                                Expect.equal bytes [| 99uy; 97uy; 102uy; 0xE9uy |] "Latin-1 bytes"
                                Expect.equal contentType "text/plain; charset=iso-8859-1" "content type"
                            | other -> failtest $"unexpected {other}"

                            target.Reset "/down"
                            let! back = fetch http (target.Url "/down")
                            Expect.isTrue (back |> Result.exists (fun (s, _, _) -> s = 200)) "reset to default"
                        })
            }
            testTask "a delayed path answers after the delay, a redirect is followed" {
                do!
                    withTarget (fun target ->
                        task {
                            target.Set("/slow", TargetBehaviour.Delayed(TimeSpan.FromMilliseconds 300.0))
                            target.Set("/old", TargetBehaviour.Redirect "/new")
                            let watch = Stopwatch.StartNew()
                            let! slow = fetch http (target.Url "/slow")
                            Expect.isGreaterThanOrEqual watch.ElapsedMilliseconds 290L "delayed"
                            Expect.isTrue (Result.isOk slow) "answered"
                            let! moved = fetch http (target.Url "/old")
                            Expect.isTrue (moved |> Result.exists (fun (s, _, _) -> s = 200)) "followed"
                            Expect.equal (target.Hits "/new") 1 "landed"
                        })
            }
            testCaseTask "a dropping path fails the request and a hanging one holds it until disposal" (fun () ->
                task {
                    let! (target: TargetServer) = TargetServer.StartAsync()
                    target.Set("/drop", TargetBehaviour.Dropping())
                    target.Set("/hang", TargetBehaviour.Hanging())
                    let! dropped = fetch http (target.Url "/drop")
                    Expect.isTrue (Result.isError dropped) "dropped"
                    use patient = new HttpClient(Timeout = TimeSpan.FromSeconds 30.0)
                    let hanging = fetch patient (target.Url "/hang")
                    do! Task.Delay 200
                    Expect.isFalse hanging.IsCompleted "still hanging"
                    let watch = Stopwatch.StartNew()
                    do! target.DisposeAsync()
                    let! released = hanging
                    Expect.isTrue (Result.isError released) "released without an answer"
                    Expect.isLessThan watch.ElapsedMilliseconds 5000L "disposal does not wait for the hang"
                })
        ]
