/// Drives the component core against a perfect, in-memory Cachet: every write succeeds at once and its outcome is
/// fed back, so case tables read as "checks → commands" the way the state-machine reference writes them.
module CachetMonitor.Tests.Support.ComponentDriver

open CachetMonitor.Domain

let titlesOf (name: string) =
    {
        Outage = $"{name} is unavailable"
        Performance = $"{name} has degraded performance"
        Operational = $"{name} is operational"
    }

/// An endpoint on `componentId` with the given debouncing and actions (metric 9 when PUSH_METRICS).
let endpoint (name: string) componentId allowedFails successThreshold (actions: MonitorAction list) : Endpoint =
    {
        Name = name
        RawUrl = $"http://{name}.example/health"
        Url = $"http://{name}.example/health"
        Target = HttpTarget
        Method = "GET"
        Headers = []
        Body = None
        Send = None
        TimeoutSeconds = 1.0
        Insecure = false
        Expectations = []
        AllowedFails = allowedFails
        SuccessThreshold = successThreshold
        ComponentId = componentId
        MetricId = (if List.contains PushMetrics actions then Some 9 else None)
        MetricValue = None
        LatencyUnit = Milliseconds
        Actions = Set.ofList actions
        PublicIncidents = true
        FrequencySeconds = 1.0
        OnTimeout = Performance
        OnUnreachable = Partial
        Titles = titlesOf name
        TemplateValues = Map.empty
        Messages =
            {
                OutageMessage = None
                PerformanceMessage = None
                OperationalMessage = None
            }
        Request =
            {
                Tls =
                    {
                        CaFile = None
                        ClientCertificate = None
                        ClientKey = None
                    }
                Proxy = None
                FollowRedirects = true
            }
    }

let planOf (endpoints: Endpoint list) =
    match ComponentMonitor.plans endpoints with
    | [ plan ] -> plan
    | plans -> failwith $"expected one component, got {plans.Length}"

/// Cachet as far as one component goes.
type Model =
    {
        Status: ComponentStatus
        /// id → (name, resolved, tagged)
        Incidents: Map<int, string * bool * bool>
        NextId: int
        /// Incidents a person opened: never to be touched by the monitor.
        Foreign: Set<int>
    }

let emptyCachet status =
    {
        Status = status
        Incidents = Map.empty
        NextId = 1
        Foreign = Set.empty
    }

let unresolved (model: Model) =
    model.Incidents
    |> Map.toList
    |> List.filter (fun (_, (_, resolved, _)) -> not resolved)
    |> List.map fst

/// What the component read of Cachet returns.
let viewOf (model: Model) : CachetView =
    {
        Status = model.Status
        Incidents =
            model.Incidents
            |> Map.toList
            |> List.filter (fun (_, (_, resolved, _)) -> not resolved)
            |> List.sortByDescending fst
            |> List.map (fun (id, (name, _, tagged)) ->
                {
                    Id = id
                    Name = name
                    Tagged = tagged
                    Visible = true
                    ComponentStatus = None
                })
    }

/// Applies one command to the model: the model after it and the outcome event, if the write has one.
let execute (model: Model) command =
    match command with
    | SetStatus write -> { model with Status = write.Status }, None
    | OpenIncident create ->
        let id = model.NextId

        { model with
            Status = create.ComponentStatus
            Incidents = Map.add id (create.Title, false, true) model.Incidents
            NextId = id + 1
        },
        Some(IncidentOpened(create.Write, id))
    | UpdateIncident update ->
        match Map.tryFind update.IncidentId model.Incidents with
        | Some(_, false, tagged) ->
            { model with
                Status = update.ComponentStatus
                Incidents = Map.add update.IncidentId (update.Title, false, tagged) model.Incidents
            },
            Some(IncidentWritten update.Write)
        | _ -> model, Some(IncidentGone update.Write)
    | ResolveIncident resolve ->
        match Map.tryFind resolve.IncidentId model.Incidents with
        | Some(name, _, tagged) ->
            { model with
                Status = resolve.ComponentStatus |> Option.defaultValue model.Status
                Incidents = Map.add resolve.IncidentId (name, true, tagged) model.Incidents
            },
            Some(IncidentWritten resolve.Write)
        | None -> model, Some(IncidentGone resolve.Write)
    | PushMetric _
    | Notify _ -> model, None

/// Applies every command to the model: the model after them and the outcomes, in order.
let executeAll (model: Model) commands =
    commands
    |> List.fold
        (fun (m, outcomes) command ->
            match execute m command with
            | m, Some outcome -> m, outcomes @ [ outcome ]
            | m, None -> m, outcomes)
        (model, [])

/// Steps one event and executes every resulting write, feeding outcomes back until nothing is left.
let rec run (state: ComponentState, model: Model) event : (ComponentState * Model) * ComponentCommand list =
    let next, commands = ComponentMonitor.step state event

    commands
    |> List.fold
        (fun ((s, m), all) command ->
            let m, outcome = execute m command

            match outcome with
            | Some ack ->
                let (s, m), more = run (s, m) ack
                (s, m), all @ more
            | None -> (s, m), all)
        ((next, model), commands)

/// A short rendering of a command, as the worked cases write them.
let render command =
    match command with
    | SetStatus write -> $"status({ComponentStatus.toCode write.Status})"
    | OpenIncident create -> $"open({Severity.toCode create.Severity})"
    | UpdateIncident update -> $"update({Severity.toCode update.Severity})"
    | ResolveIncident resolve -> $"resolve #{resolve.IncidentId}"
    | PushMetric point -> $"metric({point.Value})"
    | Notify notice -> $"hook({IncidentEvent.name notice.Notice.Event})"

let httpMessage = "Unexpected HTTP status (503)"

let failing severity =
    Failed
        {
            Severity = severity
            Message = httpMessage
            LatencySeconds = Some 0.1
            ResponseStatus = Some 503
            CertificateDaysLeft = None
        }

/// Verdicts by their case-table names: ok, D (performance), P (partial), X (major).
let verdict (name: string) =
    match name with
    | "ok" -> Passed 0.1
    | "D" -> failing Performance
    | "P" -> failing Partial
    | "X" -> failing Major
    | other -> failwith $"no verdict {other}"

/// Runs `steps` ("a:P", …) from `start`; each step's commands, rendered (metrics and hooks left out unless asked).
let playFrom (start: ComponentState * Model) (keep: string -> bool) (steps: string list) =
    steps
    |> List.mapFold
        (fun current (step: string) ->
            let name, v =
                match step.Split ':' with
                | [| name; v |] -> name, v
                | _ -> failwith $"bad step {step}"

            let next, commands = run current (Checked(name, verdict v, 1_700_000_000L))
            commands |> List.map render |> List.filter keep, next)
        start

/// The component adopted from `model`.
let adopted plan (model: Model) =
    run (ComponentMonitor.initial plan, model) (Adopted(viewOf model)) |> fst
