namespace CachetMonitor.Domain

open System
open System.Collections.Generic
open System.Diagnostics.CodeAnalysis
open System.Runtime.InteropServices

/// The outcome of parsing a config for the host: every error and warning, and the config when valid.
[<Sealed>]
type HostConfigResult
    internal
    (
        config: Config option,
        errors: ConfigIssue list,
        warnings: ConfigIssue list,
        environmentValues: string list,
        files: ConfigFile list
    ) =
    /// True when the config has no errors.
    member _.IsValid = config.IsSome

    /// The parsed config, when <see cref="IsValid"/>.
    member _.TryGetConfig([<Out; MaybeNullWhen(false)>] result: byref<Config>) : bool =
        match config with
        | Some c ->
            result <- c
            true
        | None -> false

    /// Every error, in document order.
    member _.Errors: IReadOnlyList<ConfigIssue> = errors |> List.toArray :> _

    /// Every warning, in document order.
    member _.Warnings: IReadOnlyList<ConfigIssue> = warnings |> List.toArray :> _

    /// The values the config took from the environment (`${VAR}`): secrets to mask in every output.
    member _.EnvironmentValues: IReadOnlyList<string> =
        environmentValues |> List.toArray :> _

    /// The files a valid config names (`ca_file`, `client_certificate`, `client_key`), for the host to read at load.
    member _.Files: IReadOnlyList<ConfigFile> = files |> List.toArray :> _

/// What one check read for an endpoint's `metric_value`: the number, or why there is none, or neither (no
/// `metric_value`, or no response arrived).
[<Sealed>]
type MetricValueReading internal (value: Nullable<float>, error: string | null) =
    /// The number read; null when none was.
    member _.Value = value

    /// Why no number was read (not JSON, path missing, not a number, no match); null when one was or none applies.
    member _.Error = error

/// A component's state after one event and the commands it requires, shaped for C#.
[<Sealed>]
type ComponentStepResult internal (state: ComponentState, commands: ComponentCommand list) =
    /// The component's state after the event.
    member _.State = state

    /// What must become true in Cachet (or be sent), in order.
    member _.Commands: IReadOnlyList<ComponentCommand> = commands |> List.toArray :> _

/// The core's entry points for the cachet-monitor host, which works with the F# domain types and executes their
/// commands literally: the F# functions as .NET methods (no F# option, list, Result or function in the signatures).
/// Other C# programs use <c>CachetMonitor.Domain.CSharp.MonitorCore</c>, whose types hold no FSharp.Core type at any
/// depth.
[<AbstractClass; Sealed>]
type HostInterop =
    /// Parses and validates config text; `environment` answers `${VAR}` look-ups (null = unset) and gives the
    /// original's `CACHET_API_URL` override; `timeZones` finds a window's `timezone` by IANA name (null = unknown).
    static member ParseConfig
        (yaml: string, environment: Func<string, string | null>, timeZones: Func<string, TimeZoneInfo | null>)
        : HostConfigResult =
        let lookup name =
            match environment.Invoke name with
            | null -> None
            | value -> Some value

        let zone name =
            match timeZones.Invoke name with
            | null -> None
            | found -> Some found

        let loaded = ConfigLoading.load zone lookup yaml

        match loaded.Parsed with
        | Ok parsed -> HostConfigResult(Some parsed.Config, [], parsed.Warnings, loaded.EnvironmentValues, parsed.Files)
        | Error errors -> HostConfigResult(None, errors, loaded.Warnings, loaded.EnvironmentValues, [])

    /// Evaluates one observation against the endpoint's expectations.
    static member Evaluate(endpoint: Endpoint, observation: Observation) : Verdict =
        Monitor.evaluate endpoint observation

    /// The components a config drives: endpoints grouped by `component_id`, in config order.
    static member Plans(endpoints: IEnumerable<Endpoint>) : IReadOnlyList<ComponentPlan> =
        ComponentMonitor.plans (List.ofSeq endpoints) |> List.toArray :> _

    /// A component's state before Cachet has been read.
    static member InitialComponent(plan: ComponentPlan) : ComponentState = ComponentMonitor.initial plan

    /// Folds one event into a component's state.
    static member Step(state: ComponentState, event: ComponentEvent) : ComponentStepResult =
        let next, commands = ComponentMonitor.step state event
        ComponentStepResult(next, commands)

    /// The event of one check of `endpoint`, started at `unixSeconds`.
    static member Checked(endpoint: string, verdict: Verdict, unixSeconds: int64) : ComponentEvent =
        ComponentEvent.Checked(endpoint, verdict, unixSeconds)

    /// What a check read for the endpoint's `metric_value` (see `Monitor.metricValue`).
    static member ReadMetricValue(endpoint: Endpoint, observation: Observation) : MetricValueReading =
        match Monitor.metricValue endpoint observation with
        | Some(Ok value) -> MetricValueReading(Nullable value, null)
        | Some(Error why) -> MetricValueReading(Nullable(), why)
        | None -> MetricValueReading(Nullable(), null)

    /// The event of the number one check of `endpoint`, started at `unixSeconds`, read for its `metric_value`.
    static member Measured(endpoint: string, value: float, unixSeconds: int64) : ComponentEvent =
        ComponentEvent.Measured(endpoint, value, unixSeconds)

    /// An unresolved incident as read from Cachet; `componentStatus` only when the API gives it (null on 2.x).
    static member SeenIncident
        (id: int, name: string, tagged: bool, visible: bool, componentStatus: Nullable<int>)
        : SeenIncident =
        {
            Id = id
            Name = name
            Tagged = tagged
            Visible = visible
            ComponentStatus = componentStatus |> Option.ofNullable |> Option.bind ComponentStatus.ofCode
        }

    /// The event of the start-up read: the component's status code and its unresolved incidents, newest first.
    static member Adopted(statusCode: int, incidents: IEnumerable<SeenIncident>) : ComponentEvent =
        ComponentEvent.Adopted(HostInterop.View(statusCode, incidents))

    /// The event of a periodic re-read, taken when the component's `Version` was `version`.
    static member Resynced(statusCode: int, incidents: IEnumerable<SeenIncident>, version: int) : ComponentEvent =
        ComponentEvent.Resynced(HostInterop.View(statusCode, incidents), version)

    static member private View(statusCode: int, incidents: IEnumerable<SeenIncident>) : CachetView =
        {
            Status = ComponentStatus.ofCode statusCode |> Option.defaultValue Unknown
            Incidents = List.ofSeq incidents
        }

    /// True when a retired component has nothing of ours left to write.
    static member IsSettled(state: ComponentState) : bool = ComponentMonitor.isSettled state

    /// The endpoints of a component that are down, with their severity, in config order.
    static member DownEndpoints(state: ComponentState) : IReadOnlyList<KeyValuePair<string, Severity>> =
        ComponentMonitor.downSeverities state
        |> List.choose (fun (name, down) -> down |> Option.map (fun severity -> KeyValuePair(name, severity)))
        |> List.toArray
        :> _

    /// The tag value this monitor writes on a component's incidents (`meta.cachet_monitor`).
    static member IncidentTag(componentId: int) : string = ComponentMonitor.tagOf componentId

    /// The request one webhook makes for an incident event.
    static member RenderWebhook(webhook: Webhook, notice: WebhookNotice) : WebhookRequest =
        WebhookRequest.render webhook notice

    /// The full URL (with the query) of a rendered webhook request.
    static member WebhookUrl(request: WebhookRequest) : string = WebhookRequest.buildUrl request

    /// The Cachet code of a component status.
    static member StatusCode(status: ComponentStatus) : int = ComponentStatus.toCode status

    /// The component status of a Cachet code; Unknown for a code outside 0–4.
    static member StatusOfCode(code: int) : ComponentStatus =
        ComponentStatus.ofCode code |> Option.defaultValue Unknown

    /// The config name of a severity.
    static member SeverityName(severity: Severity) : string = Severity.name severity

    /// The YAML text of a generated config, one endpoint per component given (pass enabled ones only).
    static member GenerateConfig
        (apiUrl: string, token: string, components: IReadOnlyList<GeneratedComponent>)
        : string =
        ConfigGenerator.render apiUrl (Secret.create token) (List.ofSeq components)

    /// Parses `I/N` (e.g. `0/3`, zero-based), the form of `--shard`.
    static member ParseShard(text: string) : ShardParseResult = ShardParseResult(Shard.parse text)

    /// The shard named by the trailing `-<ordinal>` of a host name (a StatefulSet pod), of `count` shards.
    static member ShardOfHostname(hostname: string, count: int) : ShardParseResult =
        ShardParseResult(Shard.ofHostname count hostname)

    /// Whether the shard owns the endpoint called `name` (a stable hash of the name picks its shard).
    static member OwnsEndpoint(shard: Shard, name: string) : bool = Shard.owns shard name

    /// The config with only the endpoints the shard owns.
    static member RestrictToShard(config: Config, shard: Shard) : Config = Shard.restrict shard config

    /// A copy of `endpoint` that probes `url` instead, within `timeoutSeconds` and without the endpoint's headers or
    /// `proxy` (a loopback request is not the proxy's business): a request shaped like the endpoint's checks for a
    /// listener of the caller's own (the monitor's warm-up).
    static member ProbeCopy(endpoint: Endpoint, url: string, timeoutSeconds: float) : Endpoint =
        { endpoint with
            Url = url
            RawUrl = url
            Headers = []
            TimeoutSeconds = timeoutSeconds
            Request = { endpoint.Request with Proxy = None }
        }

    /// A maintenance schedule as read from Cachet.
    static member Schedule
        (
            id: int,
            name: string,
            status: Nullable<int>,
            scheduledAt: Nullable<DateTimeOffset>,
            completedAt: Nullable<DateTimeOffset>,
            componentIds: IEnumerable<int>
        ) : CachetSchedule =
        {
            Id = id
            Name = name
            Status = Option.ofNullable status
            ScheduledAt = Option.ofNullable scheduledAt
            CompletedAt = Option.ofNullable completedAt
            ComponentIds = List.ofSeq componentIds
        }

    /// The components attached to a schedule in progress at `now`.
    static member ScheduledComponents(schedules: IEnumerable<CachetSchedule>, now: DateTimeOffset) : IReadOnlySet<int> =
        HashSet<int>(CachetSchedule.componentsInProgress now (List.ofSeq schedules))

    /// A component's quiet state at `now` (see `Quiet.at`).
    static member QuietAt
        (
            plan: ComponentPlan,
            windows: MaintenanceWindow list,
            now: DateTimeOffset,
            statusShown: bool,
            scheduled: bool,
            offline: bool
        ) : Quiet =
        Quiet.at windows now statusShown scheduled offline plan

    /// The event that tells a component its quiet state changed.
    static member Quieted(quiet: Quiet) : ComponentEvent = ComponentEvent.Quieted quiet

    /// The windows open at `now` that cover the endpoint: each name with the time it closes, in config order.
    static member OpenWindows
        (windows: MaintenanceWindow list, now: DateTimeOffset, endpoint: string)
        : IReadOnlyList<KeyValuePair<string, DateTimeOffset>> =
        Maintenance.openFor windows now endpoint
        |> List.choose (fun w ->
            Maintenance.openUntil now w
            |> Option.map (fun until -> KeyValuePair(w.Name, until)))
        |> List.toArray
        :> _

    /// A plain GET of `url` within `timeoutSeconds`, shaped from an endpoint of the config: a connectivity check.
    static member ConnectivityProbe(template: Endpoint, url: string, timeoutSeconds: float) : Endpoint =
        let probed, target =
            match ConfigReading.TargetUrl.targetUrl { Text = url; FromEnvironment = false } with
            | Ok(_, probed, target) -> probed, target
            // Unreachable for a config the parser accepted; probed as written, the probe reports what is wrong.
            | Error _ -> url, HttpTarget

        { template with
            Name = "connectivity"
            Url = probed
            RawUrl = url
            Target = target
            Send = None
            Method = "GET"
            Headers = []
            Body = None
            Insecure = false
            Expectations = []
            TimeoutSeconds = timeoutSeconds
        }

    /// A config error or warning for people: `path (line L, col C): message`.
    static member DescribeIssue(issue: ConfigIssue) : string = ConfigIssue.render issue
