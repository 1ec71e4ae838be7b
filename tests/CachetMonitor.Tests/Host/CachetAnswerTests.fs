/// Odd answers from Cachet (or whatever stands in front of it): each is read where Cachet itself is lenient, else a
/// MalformedResponse; no other exception ever leaves the client.
module CachetMonitor.Tests.Host.CachetAnswerTests

open System
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Tests.Host.FakeCachetTests.Wire
open CachetMonitor.Tests.Support.CachetClientSupport

/// The calls an odd answer is tried against, each reading a different shape.
let private calls (client: CachetClient) : (string * (unit -> Task)) list =
    [
        "ping", (fun () -> client.PingAsync(CancellationToken.None))
        "component", (fun () -> client.GetComponentAsync(ComponentId 1, CancellationToken.None) :> Task)
        "metric", (fun () -> client.GetMetricAsync(MetricId 1, CancellationToken.None) :> Task)
        "open incident", (fun () -> client.FindOpenIncidentAsync(ComponentId 1, CancellationToken.None) :> Task)
        "create",
        (fun () -> client.CreateIncidentAsync("n", "m", ComponentId 1, 4, true, CancellationToken.None) :> Task)
        "components",
        (fun () ->
            task {
                let items = client.ListComponentsAsync(CancellationToken.None).GetAsyncEnumerator()

                try
                    while! items.MoveNextAsync() do
                        ()
                finally
                    items.DisposeAsync().AsTask().Wait()
            })
    ]

/// Answers the next request with a 200 of this JSON text (UTF-8), labelled application/json.
let private answerNext (fake: FakeCachet) (body: string) =
    fake.FailNext(CachetFault.Raw(200, body, "application/json"))

/// The outcome of a call: "ok", the CachetApiException kind, or the type of anything else that escaped.
let private outcomeOf (call: unit -> Task) =
    task {
        try
            do! call ()
            return "ok"
        with
        | :? CachetApiException as e -> return string e.Kind
        | e -> return $"escaped {e.GetType().Name}: {e.Message}"
    }

/// A random JSON text from a seeded source: the keys and values Cachet's objects use, in any shape and type.
let rec private randomJson (random: Random) depth : string =
    let keys =
        [|
            "data"
            "meta"
            "pagination"
            "links"
            "next_page"
            "total_pages"
            "id"
            "name"
            "status"
            "enabled"
            "link"
            "component_id"
            "visible"
            "message"
            "suffix"
            "threshold"
            "cachet_monitor"
            "key"
            "value"
        |]

    let scalars =
        [|
            "null"
            "true"
            "false"
            "0"
            "1"
            "-1"
            "4"
            "2.5"
            "3.0"
            "1e3"
            "1e400"
            "-0"
            "4294967296"
            "123456789012345678901234567890"
            "\"\""
            "\"7\""
            "\" 7 \""
            "\"7x\""
            "\"api\""
            "\"caf\\u00e9\""
            "\"\\ud800\""
            "\"1e3\""
            "\"NaN\""
        |]

    match if depth = 0 then 0 else random.Next 4 with
    | 0
    | 1 -> scalars[random.Next scalars.Length]
    | 2 ->
        let items = [ for _ in 1 .. random.Next 4 -> randomJson random (depth - 1) ]
        "[" + String.Join(",", items) + "]"
    | _ ->
        let members =
            [
                for _ in 1 .. random.Next 6 -> $"\"{keys[random.Next keys.Length]}\":{randomJson random (depth - 1)}"
            ]

        "{" + String.Join(",", members) + "}"

[<Tests>]
let tests =
    testList
        "CachetClient odd answers"
        [
            clientTest "an unknown charset label is ignored, as RFC 8259 says: the JSON is read as UTF-8, errors too"
            <| fun fake client ->
                task {
                    fake.AddComponent("api", 2) |> ignore
                    fake.FailNext(CachetFault.WithCharset "klingon")
                    let! got = client.GetComponentAsync(ComponentId 1, CancellationToken.None)
                    Expect.equal got.Status 2 "read"

                    fake.FailNext(
                        CachetFault.Raw(
                            200,
                            """{"data":{"id":1,"name":"café","status":1}}""",
                            "application/json; charset=utf-16"
                        )
                    )

                    let! named = client.GetComponentAsync(ComponentId 1, CancellationToken.None)
                    Expect.equal named.Name "café" "UTF-8 bytes under a wrong label"
                    fake.FailNext(CachetFault.WithCharset "klingon")

                    let! refused =
                        failure CachetApiErrorKind.BadRequest (fun () ->
                            client.CreateIncidentAsync(" ", "m", ComponentId 1, 4, true, CancellationToken.None))

                    Expect.stringContains refused.Message "The name field is required." "the error's details"
                }
            clientTest "a key written twice, at the root or inside data, is MalformedResponse"
            <| fun fake client ->
                task {
                    fake.AddComponent "api" |> ignore
                    fake.AddIncident("down", 1, componentId = 1) |> ignore

                    for (key, call) in
                        [
                            "data", (fun () -> client.PingAsync(CancellationToken.None))
                            "status",
                            (fun () -> client.GetComponentAsync(ComponentId 1, CancellationToken.None) :> Task)
                            "id",
                            (fun () -> client.FindOpenIncidentAsync(ComponentId 1, CancellationToken.None) :> Task)
                        ] do
                        fake.FailNext(CachetFault.DuplicatedKey key)
                        let! e = failure CachetApiErrorKind.MalformedResponse call
                        Expect.stringContains e.Message "unique keys" key
                }
            clientTest "a byte that is not UTF-8 is MalformedResponse, not a name with a replacement character"
            <| fun fake client ->
                task {
                    fake.AddComponent "api" |> ignore
                    fake.FailNext(CachetFault.InvalidUtf8())

                    let! e =
                        failure CachetApiErrorKind.MalformedResponse (fun () ->
                            client.GetComponentAsync(ComponentId 1, CancellationToken.None))

                    Expect.stringContains e.Message "not UTF-8" "says why"
                    Expect.equal e.StatusCode (Nullable 200) "status"
                }
            clientTest "a root that is not an object, or data of the wrong type, is MalformedResponse"
            <| fun fake client ->
                task {
                    let byName = calls client |> Map.ofList

                    for (body, call) in
                        [
                            "[]", "ping"
                            "\"data\"", "ping"
                            "null", "ping"
                            "", "ping"
                            """{"data":1} {"data":2}""", "ping"
                            """{"data":"x"}""", "component"
                            """{"data":[]}""", "component"
                            """{"data":null}""", "metric"
                            """{"data":{}}""", "open incident"
                            """{"data":[1]}""", "open incident"
                            """{"data":[{"id":1,"name":"x","status":1,"component_id":{}}]}""", "open incident"
                            """{"data":{"id":[1]}}""", "create"
                            """{"meta":[],"data":[]}""", "components"
                            """{"meta":{"pagination":{"links":"x"}},"data":[]}""", "components"
                            """{"data":{"id":1,"name":5,"status":1}}""", "component"
                        ] do
                        answerNext fake body
                        let! _ = failure CachetApiErrorKind.MalformedResponse byName[call]
                        ()
                }
            clientTest
                "integers may come as numeric strings or whole floats, as PHP gives them; fractions and overflows may not"
            <| fun fake client ->
                task {
                    answerNext fake """{"data":{"id":"1","name":"api","status":3.0,"enabled":"0","link":""}}"""
                    let! lenient = client.GetComponentAsync(ComponentId 1, CancellationToken.None)
                    Expect.equal lenient (CachetComponent(ComponentId 1, "api", 3, false, "")) "read"
                    answerNext fake """{"data":{"id":" 1 ","name":"api","status":"2","enabled":1,"link":""}}"""
                    let! spaced = client.GetComponentAsync(ComponentId 1, CancellationToken.None)
                    Expect.equal (spaced.Id, spaced.Status) (ComponentId 1, 2) "trimmed numeric strings"

                    for status in [ "2.5"; "\"2.5\""; "4294967296"; "\"1x\""; "true"; "1e400"; "\"\"" ] do
                        answerNext fake ("""{"data":{"id":1,"name":"api","status":""" + status + "}}")

                        let! _ =
                            failure CachetApiErrorKind.MalformedResponse (fun () ->
                                client.GetComponentAsync(ComponentId 1, CancellationToken.None))

                        ()
                }
            clientTest
                "whatever JSON comes back, every call returns or throws a CachetApiException (seeded, replayable)"
            <| fun fake client ->
                task {
                    let seed = Environment.TickCount
                    let random = Random seed

                    for _ in 1..150 do
                        let body =
                            match random.Next 3 with
                            | 0 -> randomJson random 4
                            | 1 -> "{\"data\":" + randomJson random 3 + "}"
                            | _ -> "{\"meta\":" + randomJson random 3 + ",\"data\":[" + randomJson random 2 + "]}"

                        let name, call = calls client |> List.item (random.Next 6)
                        answerNext fake body
                        let! outcome = outcomeOf call

                        Expect.isFalse (outcome.StartsWith "escaped") $"seed {seed}: {name} on {body} gave {outcome}"
                }
        ]
