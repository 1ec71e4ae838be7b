namespace CachetMonitor.Domain

open System
open System.Collections.Generic

/// The outcome of parsing a config, shaped for C#: every error and warning, and the config when valid.
[<Sealed>]
type ConfigParseResult internal (config: Config option, errors: ConfigIssue list, warnings: ConfigIssue list) =
    /// True when the config has no errors.
    member _.IsValid = config.IsSome

    /// The parsed config; throws when <see cref="IsValid"/> is false.
    member _.Config: Config =
        match config with
        | Some c -> c
        | None -> invalidOp "The config is invalid; read Errors instead."

    /// Every error, in document order.
    member _.Errors: IReadOnlyList<ConfigIssue> = errors |> List.toArray :> _

    /// Every warning, in document order.
    member _.Warnings: IReadOnlyList<ConfigIssue> = warnings |> List.toArray :> _

/// The state after one check and the commands it requires, shaped for C#.
[<Sealed>]
type StepResult internal (state: MonitorState, commands: MonitorCommand list) =
    /// The endpoint's state after the check.
    member _.State = state

    /// What must become true in Cachet (or be sent), in order.
    member _.Commands: IReadOnlyList<MonitorCommand> = commands |> List.toArray :> _

/// C#-facing entry points to the core: no F# option, list, Result or function types in the signatures.
[<AbstractClass; Sealed>]
type MonitorCore =
    /// Parses and validates config text; `environment` answers `${VAR}` look-ups (null = unset).
    static member ParseConfig(yaml: string, environment: Func<string, string | null>) : ConfigParseResult =
        let lookup name =
            match environment.Invoke name with
            | null -> None
            | value -> Some value

        match ConfigParser.parse lookup yaml with
        | Ok parsed -> ConfigParseResult(Some parsed.Config, [], parsed.Warnings)
        | Error errors -> ConfigParseResult(None, errors, [])

    /// Evaluates one observation against the endpoint's expectations.
    static member Evaluate(endpoint: Endpoint, observation: Observation) : Verdict =
        Monitor.evaluate endpoint observation

    /// The state-machine policy of an endpoint.
    static member PolicyOf(endpoint: Endpoint) : Policy = Monitor.policyOf endpoint

    /// The state of a monitor that knows nothing about Cachet yet.
    static member InitialState: MonitorState = Monitor.initial

    /// The starting state from what Cachet shows: the component's status code and its open incident, if any.
    static member Adopt
        (policy: Policy, componentStatus: ComponentStatus, openIncidentId: Nullable<int>)
        : MonitorState =
        Monitor.adopt policy componentStatus (Option.ofNullable openIncidentId)

    /// Steps the state machine with one verdict.
    static member Step(policy: Policy, state: MonitorState, verdict: Verdict) : StepResult =
        let next, commands = Monitor.step policy state verdict
        StepResult(next, commands)

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

    /// A copy of `endpoint` that probes `url` instead, within `timeoutSeconds` and without the endpoint's headers:
    /// a request shaped like the endpoint's checks for a listener of the caller's own (the monitor's warm-up).
    static member ProbeCopy(endpoint: Endpoint, url: string, timeoutSeconds: float) : Endpoint =
        { endpoint with
            Url = url
            RawUrl = url
            Headers = []
            TimeoutSeconds = timeoutSeconds
        }

    /// A config error or warning for people: `path (line L, col C): message`.
    static member DescribeIssue(issue: ConfigIssue) : string = ConfigIssue.render issue
