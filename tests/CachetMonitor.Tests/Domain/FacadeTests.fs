/// The C# library `CachetMonitor.Domain.CSharp`: the calls docs/using-the-core.md makes, from F#, and a reflection
/// guard that walks every type reachable from it and finds no FSharp.Core type at any depth.
module CachetMonitor.Tests.Domain.FacadeTests

open System
open System.Reflection
open Expecto
open CachetMonitor.Domain.CSharp

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
    | :? SetComponentStatus as s -> $"  set component {s.ComponentId} to status {s.Status}"
    | :? OpenIncident as o -> $"  open incident \"{o.Title}\": {o.Message}"
    | :? UpdateIncident as u -> $"  update incident {u.IncidentId} \"{u.Title}\": {u.Message}"
    | :? ResolveIncident as r -> $"  resolve incident {r.IncidentId}: {r.Message}"
    | :? PushMetricPoint as m -> $"  push metric point {m.Value}"
    | :? NotifyWebhooks as n -> $"  notify webhooks ({n.Event}): {n.Title}"
    | other -> $"  {other}"

/// The outcome Cachet gives a write in the documented example (it accepts everything at once).
let private answer (command: ComponentCommand) =
    match command with
    | :? OpenIncident as o -> [ ComponentEvent.IncidentOpened(o.Write, 42) ]
    | :? UpdateIncident as u -> [ ComponentEvent.IncidentWritten u.Write ]
    | :? ResolveIncident as r -> [ ComponentEvent.IncidentWritten r.Write ]
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

/// The documented example's run, through the C# library only.
let runExample (yaml: string) =
    let parsed =
        MonitorCore.ParseConfig(yaml, Func<string, string | null>(fun _ -> null))

    match parsed.TryGetConfig() with
    | false, _ -> parsed.Errors |> Seq.map (fun e -> $"error: {e}") |> List.ofSeq
    | true, config ->
        let endpoint = config.Endpoints[0]

        let plan =
            MonitorCore.Plans(config.Endpoints)
            |> Seq.find (fun p -> p.ComponentId = endpoint.ComponentId)

        let start =
            MonitorCore.Step(MonitorCore.InitialComponent plan, ComponentEvent.Adopted(1, [])).State

        [
            Observation.Responded(503, 0.120, "unavailable")
            Observation.TimedOut()
            Observation.Responded(200, 0.080, "<body>ok</body>")
        ]
        |> List.fold
            (fun (state, lines) observation ->
                let verdict = MonitorCore.Evaluate(endpoint, observation)

                let judged =
                    if verdict.Passed then
                        "pass"
                    else
                        $"fail: {verdict.Message}"

                let state, printed =
                    stepAll state (ComponentEvent.Checked(endpoint.Name, verdict, 1_700_000_000L))

                state, lines @ [ judged ] @ printed)
            (start, [])
        |> snd

/// What a C# caller must never meet: a type from FSharp.Core (option, list, set, map, Result, functions, …), a
/// type of the F# core outside the C# namespace (its unions and records), or a union field named `Item`.
type Leak = { Where: string; What: string }

/// Every type reachable from `roots` through public members — properties, fields, method and constructor
/// parameters and returns, base types, interfaces, generic arguments, element types, and the public subclasses
/// of an abstract type — walked recursively, with the leaks found on the way.
let reachable (roots: Type list) : Set<string> * Leak list =
    let assembly = typeof<MonitorCore>.Assembly

    let flags =
        BindingFlags.Public
        ||| BindingFlags.Static
        ||| BindingFlags.Instance
        ||| BindingFlags.DeclaredOnly

    let seen = Collections.Generic.HashSet<Type>()
    let leaks = ResizeArray<Leak>()

    let rec visit (where: string) (t: Type) =
        if seen.Add t then
            let ns = t.Namespace |> Option.ofObj |> Option.defaultValue ""

            if ns.StartsWith "Microsoft.FSharp" then
                leaks.Add { Where = where; What = string t }

            if t.HasElementType then
                visit where (nonNull (t.GetElementType()))

            if t.IsGenericType then
                for argument in t.GetGenericArguments() do
                    visit where argument

            if t.Assembly = assembly && not t.IsGenericParameter then
                if ns <> "CachetMonitor.Domain.CSharp" then
                    leaks.Add
                        {
                            Where = where
                            What = $"{t} (a type of the F# core)"
                        }

                members t

    and members (t: Type) =
        let name = t.Name

        for p in t.GetProperties flags do
            if p.Name = "Item" && p.GetIndexParameters().Length = 0 then
                leaks.Add
                    {
                        Where = $"{name}.Item"
                        What = "a field named Item"
                    }

            visit $"{name}.{p.Name}" p.PropertyType

        for f in t.GetFields flags do
            visit $"{name}.{f.Name}" f.FieldType

        for m in t.GetMethods flags do
            visit $"{name}.{m.Name} returns" m.ReturnType

            for p in m.GetParameters() do
                visit $"{name}.{m.Name}({p.Name})" p.ParameterType

        for c in t.GetConstructors() do
            for p in c.GetParameters() do
                visit $"{name}({p.Name})" p.ParameterType

        for i in t.GetInterfaces() do
            visit $"{name} implements" i

        match t.BaseType with
        | null -> ()
        | b -> visit $"{name} inherits" b

        if t.IsAbstract then
            for sub in assembly.GetExportedTypes() do
                if sub.IsSubclassOf t then
                    visit $"{name} subclass" sub

    for root in roots do
        visit "root" root

    (seen |> Seq.map _.FullName |> Seq.choose Option.ofObj |> Set.ofSeq), List.ofSeq leaks

/// The public types of the C# namespace: where a C# caller starts.
let csharpRoots () =
    typeof<MonitorCore>.Assembly.GetExportedTypes()
    |> Array.filter (fun t -> t.Namespace = "CachetMonitor.Domain.CSharp")
    |> List.ofArray

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
                        "  notify webhooks (opened): api is unavailable"
                        "fail: Request timed out"
                        "  set component 7 to status 2"
                        "  update incident 42 \"api has degraded performance\": Request timed out"
                        "  notify webhooks (changed): api has degraded performance"
                        "pass"
                        "  set component 7 to status 1"
                        "  resolve incident 42: api is operational"
                        "  notify webhooks (resolved): api is operational"
                    ]
                    "as docs/using-the-core.md shows"
            }

            test "an invalid config gives every error with its position, without throwing" {
                let lines =
                    runExample (exampleConfig.Replace("status_range: 200-300", "status_range: 2OO"))

                Expect.equal lines.Length 1 "one error"
                Expect.stringContains lines.Head "endpoints[0].expectation[0].status_range (line 12" "path and line"
            }

            test "the facade reads no zone data: a named timezone needs the caller's lookup, UTC needs none" {
                let withWindow zone =
                    exampleConfig
                    + $"maintenance:\n  - name: nightly\n    cron: \"0 2 * * *\"\n    duration: 30m\n    timezone: {zone}\n"

                let noEnvironment = Func<string, string | null>(fun _ -> null)

                let berlin =
                    Func<string, TimeZoneInfo | null>(fun name ->
                        if name = "Europe/Berlin" then
                            TimeZoneInfo.CreateCustomTimeZone("Europe/Berlin", TimeSpan.FromHours 1.0, name, name)
                        else
                            null)

                let without = MonitorCore.ParseConfig(withWindow "Europe/Berlin", noEnvironment)
                Expect.isFalse without.IsValid "without a lookup a named zone is unknown"

                Expect.stringContains
                    (string without.Errors[0])
                    "maintenance[0].timezone (line 20"
                    "the error names the key and line"

                Expect.isTrue
                    (MonitorCore.ParseConfig(withWindow "Europe/Berlin", noEnvironment, berlin).IsValid)
                    "the caller's lookup finds it"

                Expect.isTrue (MonitorCore.ParseConfig(withWindow "UTC", noEnvironment).IsValid) "UTC needs no lookup"
            }

            test "ReadMetricValue reads an endpoint's metric_value from a response, or says why not" {
                let noEnvironment = Func<string, string | null>(fun _ -> null)

                let endpointOf (yaml: string) =
                    match MonitorCore.ParseConfig(yaml, noEnvironment).TryGetConfig() with
                    | true, config -> config.Endpoints[0]
                    | false, _ -> failtest "the example config is valid"

                let measured =
                    endpointOf (
                        exampleConfig.Replace(
                            "    component_id: 7",
                            "    component_id: 7\n    metric_id: 3\n    metric_value: {json: queue.depth}"
                        )
                    )

                let read body =
                    MonitorCore.ReadMetricValue(measured, Observation.Responded(200, 0.1, body))

                Expect.equal (read "{\"queue\": {\"depth\": 42}}").Value (Nullable 42.0) "the number at the path"
                Expect.isNull (read "{\"queue\": {\"depth\": 42}}").Error "no error when read"
                Expect.isFalse (read "<html>").Value.HasValue "no number from a body that is not JSON"

                Expect.stringContains
                    ((read "<html>").Error |> Option.ofObj |> Option.defaultValue "")
                    "not JSON"
                    "and why"

                let plain =
                    MonitorCore.ReadMetricValue(endpointOf exampleConfig, Observation.Responded(200, 0.1, "42"))

                Expect.isFalse plain.Value.HasValue "an endpoint without metric_value reads nothing"
                Expect.isNull plain.Error "and has nothing to explain"
                Expect.isNull (MonitorCore.ReadMetricValue(measured, Observation.TimedOut())).Error "nothing responded"
            }

            test "nothing reachable from the C# namespace holds an FSharp.Core type, a core type or an Item field" {
                let walked, leaks = reachable (csharpRoots ())

                let describe leaks =
                    leaks |> List.map (fun l -> $"{l.Where}: {l.What}")

                Expect.isEmpty (describe leaks) "C# sees only .NET types and the C# namespace's own"

                for expected in
                    [
                        "CachetMonitor.Domain.CSharp.EndpointConfig"
                        "CachetMonitor.Domain.CSharp.ExpectationConfig"
                        "CachetMonitor.Domain.CSharp.ConfigProblem"
                        "CachetMonitor.Domain.CSharp.OpenIncident"
                        "CachetMonitor.Domain.CSharp.NotifyWebhooks"
                        "CachetMonitor.Domain.CSharp.WebhookCall"
                        "System.Collections.Generic.IReadOnlyList`1[[CachetMonitor.Domain.CSharp.ComponentCommand, CachetMonitor.Domain, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null]]"
                    ] do
                    Expect.contains walked expected "the walk reaches it"

                let fromCore, _ = reachable [ typeof<MonitorCore> ]
                Expect.contains fromCore "CachetMonitor.Domain.CSharp.ResolveIncident" "subclasses are walked"
            }

            test "the guard finds F# types at any depth, core types, and Item fields" {
                let _, fromConfig = reachable [ typeof<CachetMonitor.Domain.Config> ]
                let found = fromConfig |> List.map _.What |> String.concat "\n"
                Expect.stringContains found "FSharpList" "a list of endpoints"
                Expect.stringContains found "FSharpOption" "an optional metric id"
                Expect.stringContains found "FSharpSet" "the action set"
                Expect.stringContains found "FSharpMap" "the template values"
                Expect.stringContains found "a type of the F# core" "the core's own records"

                let _, fromHost = reachable [ typeof<CachetMonitor.Domain.HostInterop> ]

                Expect.exists fromHost (fun l -> l.What = "a field named Item") "a union case's field"

                for t in
                    [
                        typeof<Result<int, string>>
                        typeof<Func<string, int -> int>>
                        typeof<Collections.Generic.IReadOnlyList<string option>[]>
                    ] do
                    Expect.isNonEmpty (snd (reachable [ t ])) $"{t} holds an F# type"

                Expect.isEmpty (snd (reachable [ typeof<Func<string, Nullable<int>>> ])) "Func and Nullable are fine"
            }
        ]
