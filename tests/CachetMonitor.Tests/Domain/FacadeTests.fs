/// The C# facade `MonitorCore`: the calls docs/using-the-core.md makes, from F#, and a reflection guard that
/// no FSharp.Core type leaks into its signatures.
module CachetMonitor.Tests.Domain.FacadeTests

open System
open System.Reflection
open Expecto
open CachetMonitor.Domain

/// The config the documentation's example output is for.
let exampleConfig =
    String.Join(
        "\n",
        [
            "endpoints:"
            "  - name: api"
            "    url: http://127.0.0.1:1/health"
            "    method: GET"
            "    timeout: 1"
            "    frequency: 30"
            "    allowed_fails: 0"
            "    component_id: 7"
            "    action: [UPDATE_STATUS, CREATE_INCIDENT]"
            "    expectation:"
            "      - type: HTTP_STATUS"
            "        status_range: 200-300"
            "cachet:"
            "  api_url: https://status.example.com/api/v1"
            "  token: example-token"
        ]
    )
    + "\n"

/// What the documented example prints, line by line, for the example config.
let describe (command: ComponentCommand) =
    match command with
    | SetStatus s -> $"  set component {s.ComponentId} to status {MonitorCore.StatusCode s.Status}"
    | OpenIncident o -> $"  open incident \"{o.Title}\": {o.Message}"
    | UpdateIncident u -> $"  update incident {u.IncidentId} \"{u.Title}\": {u.Message}"
    | ResolveIncident r -> $"  resolve incident {r.IncidentId}: {r.Message}"
    | PushMetric m -> $"  push metric point {m.Value}"
    | Notify n -> $"  notify webhooks: {n.Notice.Title}"

/// The outcome Cachet gives a write in the documented example (it accepts everything at once).
let private answer (command: ComponentCommand) =
    match command with
    | OpenIncident o -> [ ComponentEvent.IncidentOpened(o.Write, 42) ]
    | UpdateIncident u -> [ ComponentEvent.IncidentWritten u.Write ]
    | ResolveIncident r -> [ ComponentEvent.IncidentWritten r.Write ]
    | _ -> []

/// Steps `event` and the answers to its writes, collecting the printed lines.
let rec private stepAll (state: ComponentState) (event: ComponentEvent) : ComponentState * string list =
    let step = MonitorCore.Step(state, event)

    step.Commands
    |> Seq.fold
        (fun (s, lines) command ->
            answer command
            |> List.fold
                (fun (s, lines) next ->
                    let s, more = stepAll s next
                    s, lines @ more)
                (s, lines @ [ describe command ]))
        (step.State, [])

/// The documented example's run, through the facade only.
let runExample (yaml: string) =
    let parsed =
        MonitorCore.ParseConfig(yaml, Func<string, string | null>(fun _ -> null))

    if not parsed.IsValid then
        parsed.Errors
        |> Seq.map (fun e -> $"error: {MonitorCore.DescribeIssue e}")
        |> List.ofSeq
    else
        let endpoint = parsed.Config.Endpoints |> Seq.head
        let plan = MonitorCore.Plans(parsed.Config.Endpoints) |> Seq.head

        let start =
            MonitorCore.Step(MonitorCore.InitialComponent plan, MonitorCore.Adopted(1, [])).State

        let observations =
            [
                Responded
                    {
                        StatusCode = 503
                        LatencySeconds = 0.120
                        Body = "unavailable"
                    }
                TimedOut
                Responded
                    {
                        StatusCode = 200
                        LatencySeconds = 0.080
                        Body = "<body>ok</body>"
                    }
            ]

        observations
        |> List.fold
            (fun (state, lines) observation ->
                let verdict = MonitorCore.Evaluate(endpoint, observation)

                let judged =
                    match verdict with
                    | Failed f -> $"fail: {f.Message}"
                    | Passed _ -> "pass"

                let state, printed =
                    stepAll state (MonitorCore.Checked(endpoint.Name, verdict, 1_700_000_000L))

                state, lines @ [ judged ] @ printed)
            (start, [])
        |> snd

/// FSharp.Core types (option, list, Result, functions, Map, Async, …) anywhere in a type, generics included.
let rec fsharpTypesIn (t: Type) : Type list =
    let own =
        match t.Namespace with
        | null -> []
        | ns when ns.StartsWith "Microsoft.FSharp" -> [ t ]
        | _ -> []

    let nested =
        if t.HasElementType then
            fsharpTypesIn (nonNull (t.GetElementType()))
        elif t.IsGenericType then
            t.GetGenericArguments() |> List.ofArray |> List.collect fsharpTypesIn
        else
            []

    own @ nested

/// The public members of a type and the types in their signatures.
let signatures (t: Type) =
    let flags =
        BindingFlags.Public
        ||| BindingFlags.Static
        ||| BindingFlags.Instance
        ||| BindingFlags.DeclaredOnly

    [
        for m in t.GetMethods flags do
            yield $"{t.Name}.{m.Name} returns", m.ReturnType

            for p in m.GetParameters() do
                yield $"{t.Name}.{m.Name}({p.Name})", p.ParameterType
        for p in t.GetProperties flags do
            yield $"{t.Name}.{p.Name}", p.PropertyType
    ]

[<Tests>]
let tests =
    testList
        "facade"
        [
            test "the documented example's calls give the documented output" {
                Expect.equal
                    (runExample exampleConfig)
                    [
                        "fail: Unexpected HTTP status (503)"
                        "  set component 7 to status 3"
                        "  open incident \"api is unavailable\": Unexpected HTTP status (503)"
                        "  notify webhooks: api is unavailable"
                        "fail: Request timed out"
                        "  set component 7 to status 2"
                        "  update incident 42 \"api has degraded performance\": Request timed out"
                        "  notify webhooks: api has degraded performance"
                        "pass"
                        "  set component 7 to status 1"
                        "  resolve incident 42: api is operational"
                        "  notify webhooks: api is operational"
                    ]
                    "as docs/using-the-core.md shows"
            }

            test "a generated config tells components that share a name apart, so it is valid" {
                let components =
                    [|
                        {
                            Id = 3
                            Name = "api"
                            Link = "http://127.0.0.1:1/a"
                        }
                        {
                            Id = 4
                            Name = "web"
                            Link = "http://127.0.0.1:1/w"
                        }
                        {
                            Id = 9
                            Name = "api"
                            Link = "http://127.0.0.1:1/b"
                        }
                    |]

                let yaml =
                    MonitorCore.GenerateConfig("https://status.example.com/api/v1", "t0ken-1", components)

                let parsed =
                    MonitorCore.ParseConfig(yaml, Func<string, string | null>(fun _ -> null))

                Expect.isTrue parsed.IsValid (String.Join("\n", parsed.Errors |> Seq.map MonitorCore.DescribeIssue))

                Expect.equal
                    (parsed.Config.Endpoints |> List.map _.Name)
                    [ "api (component 3)"; "web"; "api (component 9)" ]
                    "only the repeated names carry the id"
            }

            test "an invalid config gives every error with its position, without throwing" {
                let lines =
                    runExample (exampleConfig.Replace("status_range: 200-300", "status_range: 2OO"))

                Expect.equal lines.Length 1 "one error"
                Expect.stringContains lines.Head "endpoints[0].expectation[0].status_range (line 12" "path and line"
            }

            test "no FSharp.Core type appears in the public signatures of MonitorCore or the results it returns" {
                let facadeTypes =
                    [
                        typeof<MonitorCore>
                        typeof<ConfigParseResult>
                        typeof<ComponentStepResult>
                        typeof<ShardParseResult>
                    ]

                let leaks =
                    facadeTypes
                    |> List.collect signatures
                    |> List.choose (fun (where, t) ->
                        match fsharpTypesIn t with
                        | [] -> None
                        | found -> Some $"{where}: {t} (holds {found.Head})")

                Expect.isEmpty leaks "C# sees only .NET and domain types"
                Expect.isGreaterThan (signatures typeof<MonitorCore> |> List.length) 20 "the guard sees the facade"
            }

            test "the guard catches F# types, nested ones included" {
                Expect.isNonEmpty (fsharpTypesIn typeof<int option>) "option"
                Expect.isNonEmpty (fsharpTypesIn typeof<Collections.Generic.IReadOnlyList<string list>>) "a list inside"
                Expect.isNonEmpty (fsharpTypesIn typeof<Result<int, string>[]>) "an array of Result"
                Expect.isNonEmpty (fsharpTypesIn typeof<int -> int>) "a function"
                Expect.isEmpty (fsharpTypesIn typeof<Func<string, Nullable<int>>>) "Func and Nullable are fine"
            }
        ]
