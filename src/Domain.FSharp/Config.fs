namespace CachetMonitor.Domain

/// What a monitor may change in Cachet (the `action` list; its order never matters).
type MonitorAction =
    /// `UPDATE_STATUS`: set the component's status.
    | UpdateStatus
    /// `CREATE_INCIDENT`: open, update and resolve incidents (and fire webhooks).
    | CreateIncident
    /// `PUSH_METRICS`: push each response's latency (or its `metric_value`) to `metric_id`.
    | PushMetrics

/// Names of the actions as written in the config.
[<RequireQualifiedAccess>]
module MonitorAction =
    /// The config name of an action.
    let name action =
        match action with
        | UpdateStatus -> "UPDATE_STATUS"
        | CreateIncident -> "CREATE_INCIDENT"
        | PushMetrics -> "PUSH_METRICS"

    /// Parses a config action name (upper case, as the original requires).
    let tryParse (text: string) =
        match text.Trim() with
        | "UPDATE_STATUS" -> Some UpdateStatus
        | "CREATE_INCIDENT" -> Some CreateIncident
        | "PUSH_METRICS" -> Some PushMetrics
        | _ -> None

/// The incident titles of one endpoint, rendered from the `messages` templates.
type Titles =
    {
        /// `incident_outage`, for statuses 0, 3 and 4.
        Outage: string
        /// `incident_performance`, for status 2.
        Performance: string
        /// `incident_operational`, for status 1.
        Operational: string
    }

/// Picking the title for a status.
[<RequireQualifiedAccess>]
module Titles =
    /// The title for a component status.
    let forStatus titles status =
        match status with
        | Operational
        | UnderMaintenance -> titles.Operational
        | PerformanceIssues -> titles.Performance
        | Unknown
        | PartialOutage
        | MajorOutage -> titles.Outage

    /// The title for a failure of this severity.
    let forSeverity titles severity =
        forStatus titles (Severity.toComponentStatus severity)

/// The incident *message* templates of one endpoint (`incident_outage_message`, …); `None` keeps the message the
/// monitor writes without one (the check's failure text, the operational title on resolve).
type IncidentMessages =
    {
        /// `incident_outage_message`, for an incident at PARTIAL or MAJOR.
        OutageMessage: Template option
        /// `incident_performance_message`, for an incident at PERFORMANCE.
        PerformanceMessage: Template option
        /// `incident_operational_message`, for the resolve.
        OperationalMessage: Template option
    }

/// The `messages` templates shared by every endpoint.
type MessageTemplates =
    {
        IncidentOutage: Template
        IncidentPerformance: Template
        IncidentOperational: Template
        /// The incident message templates (per-endpoint `messages` override each one).
        Messages: IncidentMessages
    }

/// PEM files for TLS (`ca_file`, `client_certificate`, `client_key`); the host reads them at load and refuses a
/// config whose files cannot be read or are not PEM.
type TlsFiles =
    {
        /// Certificates trusted in addition to the system store.
        CaFile: string option
        /// The client certificate for mutual TLS.
        ClientCertificate: string option
        /// Its private key (`None`: the key is in the certificate's file).
        ClientKey: string option
    }

    /// `ca_file` for C#: null when not set.
    member this.CaFileOrNull: string | null = Option.toObj this.CaFile

    /// `client_certificate` for C#: null when not set.
    member this.ClientCertificateOrNull: string | null =
        Option.toObj this.ClientCertificate

    /// `client_key` for C#: null when not set.
    member this.ClientKeyOrNull: string | null = Option.toObj this.ClientKey

/// How an endpoint's requests travel (`ca_file`, `client_certificate`, `client_key`, `proxy`, `follow_redirects`);
/// endpoints with equal options share a connection pool.
type RequestOptions =
    {
        Tls: TlsFiles
        /// The proxy URL (`proxy`); `None`: `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` apply.
        Proxy: string option
        /// Follow redirects (default true); false makes a 3xx the observed status.
        FollowRedirects: bool
    }

    /// `proxy` for C#: null when not set.
    member this.ProxyOrNull: string | null = Option.toObj this.Proxy

/// The DNS record types a `dns://` URL may ask for (`?type=`).
type DnsRecordType =
    | A
    | AAAA
    | CNAME
    | MX
    | TXT

/// Naming DNS record types as URLs write them.
[<RequireQualifiedAccess>]
module DnsRecordType =
    /// Every type, in the order the docs list them.
    let all = [ A; AAAA; CNAME; MX; TXT ]

    /// The type as a URL writes it (`A`, `MX`, …).
    let name recordType =
        match recordType with
        | A -> "A"
        | AAAA -> "AAAA"
        | CNAME -> "CNAME"
        | MX -> "MX"
        | TXT -> "TXT"

    /// The type a URL names (any case).
    let tryParse (text: string) =
        all |> List.tryFind (fun t -> name t = text.Trim().ToUpperInvariant())

/// The question of a `dns://RESOLVER[:PORT]/NAME?type=T` URL.
type DnsQuery =
    {
        /// The resolver's host or address.
        Resolver: string
        Port: int
        Name: string
        RecordType: DnsRecordType
    }

/// What probing an endpoint does, chosen by its URL's scheme.
type ProbeTarget =
    /// `http://`, `https://`: an HTTP request.
    | HttpTarget
    /// `tcp://host:port` (and `tls://host:port`, which also makes a TLS handshake): a connection.
    | TcpTarget of host: string * port: int * tls: bool
    /// `dns://…`: one DNS question.
    | DnsTarget of query: DnsQuery

/// One endpoint to watch and the Cachet component it drives.
type Endpoint =
    {
        Name: string
        /// The URL as written (templates see this).
        RawUrl: string
        /// The URL probed: `http://` added when there is no scheme.
        Url: string
        /// What the URL's scheme makes a probe do.
        Target: ProbeTarget
        /// The method as written (messages show this).
        Method: string
        Headers: (string * string) list
        /// Request body (`body`, a new key), sent as written.
        Body: string option
        /// Written once connected (`send`, `tcp://`/`tls://` only), as UTF-8.
        Send: string option
        TimeoutSeconds: float
        Insecure: bool
        Expectations: Expectation list
        AllowedFails: int
        /// Consecutive passing checks needed to recover (`success_threshold`, default 1).
        SuccessThreshold: int
        ComponentId: int
        MetricId: int option
        /// Where the number pushed instead of the latency is read (`metric_value`); `None`: the latency is pushed.
        MetricValue: MetricValue option
        LatencyUnit: LatencyUnit
        Actions: Set<MonitorAction>
        PublicIncidents: bool
        FrequencySeconds: float
        /// Severity of a time-out (`on_timeout`, default PERFORMANCE).
        OnTimeout: Severity
        /// Severity of a connection failure (`on_unreachable`, default PARTIAL).
        OnUnreachable: Severity
        Titles: Titles
        /// The endpoint's scalar keys as written, for `{placeholder}` rendering.
        TemplateValues: Map<string, string>
        /// The incident message templates that apply to this endpoint (its own `messages`, else the global ones).
        Messages: IncidentMessages
        /// TLS files, proxy and redirects of its requests.
        Request: RequestOptions
    }

    /// `metric_id` for C#: null when not set.
    member this.MetricIdOrNull: System.Nullable<int> = Option.toNullable this.MetricId

    /// `metric_value` as the config writes it (`json: PATH`, `regex: PATTERN`) for C#: null when not set.
    member this.MetricValueOrNull: string | null =
        this.MetricValue |> Option.map MetricValue.describe |> Option.toObj

    /// `body` for C#: null when not set.
    member this.BodyOrNull: string | null = Option.toObj this.Body

    /// The headers for C#, in config order.
    member this.HeaderList
        : System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string>> =
        this.Headers
        |> List.map (fun (name, value) -> System.Collections.Generic.KeyValuePair(name, value))
        :> _

    /// `send` for C#: null when not set.
    member this.SendOrNull: string | null = Option.toObj this.Send

    /// Whether a check must read the response body (a `REGEX` or `JSON` expectation, `expect`, or `metric_value`);
    /// otherwise only the headers are awaited.
    member this.NeedsBody =
        this.MetricValue.IsSome
        || this.Expectations
           |> List.exists (fun e ->
               match e.Kind with
               | BodyRegex _
               | JsonValue _
               | Banner _ -> true
               | HttpStatus _
               | Latency _
               | CertificateExpiration _
               | DnsAnswer _ -> false)

    /// Whether a check must read the server certificate (a `CERTIFICATE_EXPIRATION` expectation).
    member this.NeedsCertificate =
        this.Expectations
        |> List.exists (fun e ->
            match e.Kind with
            | CertificateExpiration _ -> true
            | _ -> false)

    /// Whether the endpoint's `action` list holds the action.
    member this.Has(action: MonitorAction) = this.Actions.Contains action

    /// Whether its checks push a `metric_value` (it has one, `PUSH_METRICS` and a `metric_id`): only then does the
    /// daemon read the value.
    member this.PushesMetricValue =
        this.MetricValue.IsSome && this.Has PushMetrics && this.MetricId.IsSome

/// Where a token provider in the `cachet.token` list reads the token from.
type TokenProvider =
    /// `ENVIRONMENT_VARIABLE`: the named variable (empty counts as nothing).
    | EnvironmentVariable of name: string
    /// `TOKEN`: the literal value.
    | LiteralToken of Secret
    /// `AWS_SECRETS_MANAGER`: the `secret_key` field of the JSON secret `secret_name` in `region`.
    | AwsSecretsManager of secretName: string * secretKey: string * region: string

/// Naming token providers as the config does.
[<RequireQualifiedAccess>]
module TokenProvider =
    /// The config `type` of a provider.
    let typeName provider =
        match provider with
        | EnvironmentVariable _ -> "ENVIRONMENT_VARIABLE"
        | LiteralToken _ -> "TOKEN"
        | AwsSecretsManager _ -> "AWS_SECRETS_MANAGER"

/// How the Cachet token is obtained.
type TokenSource =
    /// The plain-string form: `CACHET_TOKEN` (non-empty) wins, else this value.
    | PlainToken of Secret
    /// The provider list, tried in order; the first non-empty value wins.
    | Providers of TokenProvider list

/// Which Cachet API the monitor speaks (`cachet.api_version`).
type CachetApiVersion =
    /// `auto`: told apart at start-up by probing the instance (docs/cachet-3.md).
    | DetectVersion
    /// `2`: the API v1 of Cachet 2.x at `api_url` (`…/api/v1`).
    | CachetV2
    /// `3`: the API of Cachet 3.x at `api_url` (`…/api` or `…/status/api`).
    | CachetV3

/// The `cachet` section.
type CachetSettings =
    {
        /// The API base (`…/api/v1` for 2.x, `…/api` for 3.x, or the host alone with `api_version: auto`), without a
        /// trailing `/`.
        ApiUrl: string
        Token: TokenSource
        /// Which API to speak (`api_version`, default `auto`).
        ApiVersion: CachetApiVersion
        /// Cachet calls a minute at most against Cachet 3 (`rate_limit_per_minute`, default 240; Cachet 3 allows 300).
        RateLimitPerMinute: int
        /// How often statuses and unresolved incidents are re-read from Cachet (`resync_interval`, default 300 s).
        ResyncSeconds: float
        /// Components in a Cachet schedule in progress are in maintenance (`respect_schedules`, default true).
        RespectSchedules: bool
        /// TLS files for the Cachet API calls (`ca_file`, `client_certificate`, `client_key`).
        Tls: TlsFiles
    }

/// A webhook fired on incident events; `{title}` and `{message}` are the only placeholders.
type Webhook =
    {
        Url: Template
        /// Parameters in config order; values are templates (non-strings stringified).
        Params: (string * Template) list
        /// Send the params as a JSON body instead of the query string (`json: true`, a new key).
        Json: bool
    }

/// The connectivity guard (`connectivity:`): tells the monitor's own network failing from its targets failing.
type ConnectivitySettings =
    {
        /// Checked every `FrequencySeconds`; while every one fails the monitor is offline (no status or incident writes).
        Urls: string list
        FrequencySeconds: float
        TimeoutSeconds: float
        /// Without `Urls`: when at least this share of at least five endpoints fail within a minute, writes are held
        /// for one more round of checks (`all_failing_threshold`; off when not set).
        AllFailingThreshold: float option
    }

/// A whole, valid configuration.
type Config =
    {
        Endpoints: Endpoint list
        Cachet: CachetSettings
        Webhooks: Webhook list
        Messages: MessageTemplates
        /// Planned quiet times (`maintenance:`), in config order.
        Maintenance: MaintenanceWindow list
        Connectivity: ConnectivitySettings option
    }
