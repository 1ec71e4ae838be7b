/// Value metrics (`metric_value`, issue #13 item 7): reading a number from a body, pure; and the component pushing
/// that number, not the latency, as the metric point.
module CachetMonitor.Tests.Domain.MetricValueTests

open System
open System.Globalization
open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain
open CachetMonitor.Tests.Support.ComponentDriver

let private ok result =
    match result with
    | Ok value -> value
    | Error message -> failwith message

let private json text = JsonNumber(ok (JsonPath.parse text))

let private captured pattern =
    ok (RegexPattern.create pattern |> Result.bind MetricValue.ofRegex)

let private errorOf source body =
    match MetricValue.read source body with
    | Error message -> message
    | Ok value -> failtest $"expected no value, read %g{value}"

let private readingTests =
    testList
        "reading"
        [
            test "a JSON number at the path, as written" {
                Expect.equal (MetricValue.read (json "queue.depth") """{"queue": {"depth": 42}}""") (Ok 42.0) "42"

                Expect.equal
                    (MetricValue.read (json "items[1].n") """{"items": [{"n": 1}, {"n": -2.5e1}]}""")
                    (Ok -25.0)
                    "indexed, exponent"
            }

            test "a JSON string that holds an invariant-culture number" {
                Expect.equal (MetricValue.read (json "v") """{"v": " 12.5 "}""") (Ok 12.5) "spaces allowed"

                Expect.stringContains
                    (errorOf (json "v") """{"v": "1,5"}""")
                    "\"1,5\" is not a number"
                    "no comma decimals"
            }

            test "each failure says which: not JSON, path missing, not a number" {
                Expect.stringContains (errorOf (json "a") "<html>busy</html>") "the body is not JSON" "not JSON"

                Expect.equal
                    (errorOf (json "queue.depth") """{"queue": {}}""")
                    "the JSON body has no queue.depth (only queue)"
                    "missing"

                Expect.equal (errorOf (json "x") """{"y": 1}""") "the JSON body has no x" "missing at the root"

                for value in
                    [
                        "true"
                        "null"
                        "{\"n\": 1}"
                        "[1]"
                        "\"abc\""
                        "\"NaN\""
                        "\"Infinity\""
                        "1e400"
                    ] do
                    Expect.stringContains (errorOf (json "v") $"{{\"v\": {value}}}") "is not a number" value
            }

            test "a regex reads its group named value, or its only group" {
                Expect.equal (MetricValue.read (captured "depth=(\\d+)") "queue depth=17 ok") (Ok 17.0) "only group"

                Expect.equal
                    (MetricValue.read (captured "(\\w+)=(?<value>[0-9.]+)") "load=0.75")
                    (Ok 0.75)
                    "the named group"

                Expect.equal (MetricValue.read (captured "(?P<n>\\d+) jobs") "3 jobs") (Ok 3.0) "a Python named group"
            }

            test "a regex that does not match, or captures no number, says so" {
                Expect.equal
                    (errorOf (captured "depth=(\\d+)") "no depth here")
                    "the regex did not match the body"
                    "no match"

                Expect.stringContains
                    (errorOf (captured "depth=(\\S+)") "depth=lots")
                    "the regex captured \"lots\" is not a number"
                    "not a number"

                Expect.equal
                    (errorOf (captured "a(\\d)?b") "ab")
                    "the regex did not match the body"
                    "the group took no part"
            }

            test "a regex must say which group holds the number" {
                Expect.isError (RegexPattern.create "depth=\\d+" |> Result.bind MetricValue.ofRegex) "no group"
                Expect.isError (RegexPattern.create "(\\d+)/(\\d+)" |> Result.bind MetricValue.ofRegex) "two groups"
            }

            test "the observation: only a response is read, and only with a metric_value" {
                let plain = endpoint "a" 1 0 1 [ PushMetrics ]

                let valued =
                    { plain with
                        MetricValue = Some(json "n")
                    }

                let response = Responded(Response.http 503 0.2 """{"n": 7}""")
                Expect.equal (Monitor.metricValue valued response) (Some(Ok 7.0)) "read whatever the status"
                Expect.isNone (Monitor.metricValue valued TimedOut) "no body"
                Expect.isNone (Monitor.metricValue valued (Unreachable "refused")) "no body"
                Expect.isNone (Monitor.metricValue plain response) "no metric_value"
            }
        ]

let private points commands =
    commands
    |> List.choose (fun command ->
        match command with
        | PushMetric point -> Some(point.MetricId, point.Value, point.UnixSeconds)
        | _ -> None)

let private pushing actions =
    { endpoint "a" 1 0 1 actions with
        MetricValue = Some(json "n")
    }

let private componentTests =
    testList
        "component"
        [
            test "the check pushes no latency; the value read is the point, at the check's time" {
                let start =
                    adopted (planOf [ pushing [ UpdateStatus; PushMetrics ] ]) (emptyCachet Operational)

                let (state, _), checkedCommands = run start (Checked("a", Passed 0.25, 100L))
                Expect.isEmpty (points checkedCommands) "no latency in its place"
                let _, measured = ComponentMonitor.step state (Measured("a", 42.0, 100L))
                Expect.equal (points measured) [ 9, 42.0, 100L ] "the value, as read (latency_unit does not apply)"
            }

            test "a failed check with a value pushes it; no value means no point, never 0" {
                let start = adopted (planOf [ pushing [ PushMetrics ] ]) (emptyCachet Operational)
                let (state, _), checkedCommands = run start (Checked("a", failing Partial, 5L))
                Expect.isEmpty (points checkedCommands) "nothing for the check itself"

                Expect.equal
                    (points (snd (ComponentMonitor.step state (Measured("a", 3.5, 5L)))))
                    [ 9, 3.5, 5L ]
                    "pushed"
            }

            test "without PUSH_METRICS, for an endpoint without metric_value, or a value that is not finite: nothing" {
                let quiet =
                    adopted (planOf [ pushing [ UpdateStatus ] ]) (emptyCachet Operational) |> fst

                Expect.isEmpty (snd (ComponentMonitor.step quiet (Measured("a", 1.0, 1L)))) "no PUSH_METRICS"

                let latency =
                    adopted (planOf [ endpoint "a" 1 0 1 [ PushMetrics ] ]) (emptyCachet Operational)
                    |> fst

                Expect.isEmpty (snd (ComponentMonitor.step latency (Measured("a", 1.0, 1L)))) "pushes latencies"

                let valued =
                    adopted (planOf [ pushing [ PushMetrics ] ]) (emptyCachet Operational) |> fst

                Expect.isEmpty (snd (ComponentMonitor.step valued (Measured("a", nan, 1L)))) "NaN"
                Expect.isEmpty (snd (ComponentMonitor.step valued (Measured("b", 1.0, 1L)))) "not a member"
            }

            test "values read while offline are held and pushed, oldest first, when back" {
                let start =
                    adopted (planOf [ pushing [ PushMetrics ] ]) (emptyCachet Operational) |> fst

                let offline = { Quiet.none with Offline = true }
                let state, first = ComponentMonitor.step start (Quieted offline)

                let state, held =
                    [ 1.0; 2.0 ]
                    |> List.fold
                        (fun (s, all) v ->
                            let next, commands = ComponentMonitor.step s (Measured("a", v, int64 v))
                            next, all @ commands)
                        (state, first)

                Expect.isEmpty (points held) "held"
                let _, released = ComponentMonitor.step state (Quieted Quiet.none)
                Expect.equal (points released) [ 9, 1.0, 1L; 9, 2.0, 2L ] "released in order"
            }
        ]

/// Paths of one to four member names.
let private genPath =
    Gen.elements [ "a"; "queue"; "depth"; "x-y"; "n" ]
    |> Gen.listOfLength 3
    |> Gen.map (fun names -> String.concat "." names)

let private propertyTests =
    testList
        "properties"
        [
            testProperty "reading any body at any path never throws"
            <| fun (body: string | null) (NonNull(text: string | null)) ->
                match JsonPath.parse (string text) with
                | Ok path -> MetricValue.read (JsonNumber path) (string body) |> ignore
                | Error _ -> ()

            testProperty "a regex read of any body never throws"
            <| fun (body: string | null) ->
                [ "(\\d+)"; "depth=(?<value>.*)"; "(a|b)+" ]
                |> List.iter (fun pattern -> MetricValue.read (captured pattern) (string body) |> ignore)

            testProperty "a number written into a JSON document is read back"
            <| Prop.forAll (Arb.fromGen genPath) (fun path ->
                fun (NormalFloat number) (asString: bool) ->
                    let written = Text.Json.JsonSerializer.Serialize number

                    let value =
                        if asString then
                            Text.Json.JsonSerializer.Serialize(number.ToString("R", CultureInfo.InvariantCulture))
                        else
                            written

                    let body =
                        path.Split '.'
                        |> Array.rev
                        |> Array.fold (fun inner name -> $"{{\"%s{name}\": %s{inner}, \"other\": 1}}") value

                    MetricValue.read (json path) body = Ok number)
        ]

[<Tests>]
let tests = testList "metric value" [ readingTests; componentTests; propertyTests ]
