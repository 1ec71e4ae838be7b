namespace CachetMonitor.Domain

/// A mapping of the config that holds keys of its own.
[<RequireQualifiedAccess>]
type ConfigSection =
    | Root
    | Cachet
    | TokenProvider
    | Endpoint
    | Expectation
    | Webhook
    | Messages
    | Maintenance
    | Connectivity
    /// An endpoint's `metric_value`.
    | MetricValue

/// What a key's value must be: drives the JSON Schema and the reference docs (the readers check the same).
[<RequireQualifiedAccess>]
type KeyType =
    | Text
    /// Text of printable ASCII (header values: HTTP cannot send anything else).
    | AsciiText
    /// An `http://`/`https://` URL (`http://` is added when there is no `://`).
    | HttpUrl
    /// An endpoint's URL: http(s) as `HttpUrl`, or `tcp://host:port`, `tls://host:port`, `dns://RESOLVER[:PORT]/NAME`.
    | CheckUrl
    /// A number > 0 (`threshold` in days).
    | PositiveNumber
    /// Seconds, a number > 0 and at most the bound.
    | Seconds of max: float
    /// Seconds as `Seconds`, where 0 (which the original accepted) stands for 1 second, with a warning.
    | SecondsOrZero of max: float
    /// A whole number in the range.
    | WholeNumber of min: int * max: int
    /// A whole number up to the bound, where a negative one (which the original accepted) stands for 0, with a warning.
    | CountOrNegative of max: int
    | Flag
    /// One of the names (any case when `anyCase`).
    | Choice of names: string list * anyCase: bool
    | ListOf of KeyType * atLeast: int
    /// A mapping of free names to values of the type.
    | MapOf of KeyType
    /// A mapping read as the section.
    | SectionOf of ConfigSection
    | ListOfSections of ConfigSection * atLeast: int
    /// A status code, a `LOW-HIGH` range, or a list of them.
    | StatusRanges
    /// A string token, one token provider mapping, or a list of them.
    | TokenValue
    /// A template with `{placeholders}`.
    | TemplateText
    | RegexText
    /// A 5-field cron expression.
    | CronText
    /// A duration with units: `30m`, `2h`, `1h30m`, `90s`, `1d`.
    | Duration of max: float
    /// An IANA time zone name (`Europe/Berlin`).
    | TimeZoneName
    /// An ISO 8601 date and time with an offset (`2026-12-01T02:00:00Z`).
    | Instant
    /// A URL of one of the schemes.
    | UrlOf of schemes: string list
    /// A number in the range (inclusive at the top, exclusive at the bottom).
    | Fraction

/// Whose key it is: the original cachet-url-monitor's, or one this tool added.
type KeyOrigin =
    | Original
    | Added of since: string

/// One key of the config: the only place it is described.
type ConfigKey =
    {
        Section: ConfigSection
        Name: string
        Type: KeyType
        Required: bool
        /// The default as it would be written in YAML; readers read it with the key's own reader.
        Default: string option
        /// For keys that belong to some `type`s of their section only (expectations, token providers): those types.
        AppliesTo: string list
        Doc: string
        Origin: KeyOrigin
    }

/// The table of every config key, with the limits the readers enforce.
[<RequireQualifiedAccess>]
module ConfigKeys =
    /// The longest `timeout`, in seconds (one day).
    [<Literal>]
    let MaxTimeoutSeconds = 86_400.0

    /// The longest `frequency`, in seconds (one week).
    [<Literal>]
    let MaxFrequencySeconds = 604_800.0

    /// The longest `cachet.resync_interval`, in seconds (one day).
    [<Literal>]
    let MaxResyncSeconds = 86_400.0

    /// The largest `allowed_fails` and `success_threshold`: far beyond any real use (at one check a second,
    /// eleven days), and small enough that counting up to it (`allowed_fails + 1`) cannot overflow.
    [<Literal>]
    let MaxCheckCount = 1_000_000

    /// The largest Cachet id.
    [<Literal>]
    let MaxId = System.Int32.MaxValue

    /// The expectation `type`s.
    let ExpectationTypes =
        [
            "HTTP_STATUS"
            "LATENCY"
            "REGEX"
            "CERTIFICATE_EXPIRATION"
            "JSON"
            "DNS_ANSWER"
        ]

    /// The largest `cachet.rate_limit_per_minute`.
    [<Literal>]
    let MaxRateLimitPerMinute = 1_000_000

    /// The longest maintenance `duration` (31 days).
    [<Literal>]
    let MaxWindowSeconds = 2_678_400.0

    /// The URL schemes a connectivity URL may have.
    let ConnectivitySchemes = [ "http"; "https"; "tcp"; "tls"; "dns" ]

    /// The `cachet.api_version` values.
    let ApiVersions = [ "auto"; "2"; "3" ]

    /// The token provider `type`s.
    let ProviderTypes = [ "ENVIRONMENT_VARIABLE"; "TOKEN"; "AWS_SECRETS_MANAGER" ]

    /// The severities, as `incident`, `on_timeout` and `on_unreachable` take them (any case).
    let Severities = [ "PERFORMANCE"; "PARTIAL"; "MAJOR" ]

    /// The `action` names (upper case, as the original requires).
    let Actions =
        [ UpdateStatus; CreateIncident; PushMetrics ] |> List.map MonitorAction.name

    /// The `latency_unit` spellings.
    let LatencyUnits =
        [ "ms"; "milliseconds"; "s"; "seconds"; "m"; "minutes"; "h"; "hours" ]

    /// The path under which a section's keys appear, as the docs and error messages write it.
    let pathOf section =
        match section with
        | ConfigSection.Root -> ""
        | ConfigSection.Cachet -> "cachet"
        | ConfigSection.TokenProvider -> "cachet.token[]"
        | ConfigSection.Endpoint -> "endpoints[]"
        | ConfigSection.Expectation -> "endpoints[].expectation[]"
        | ConfigSection.Webhook -> "webhooks[]"
        | ConfigSection.Maintenance -> "maintenance[]"
        | ConfigSection.Connectivity -> "connectivity"
        | ConfigSection.MetricValue -> "endpoints[].metric_value"
        | ConfigSection.Messages -> "messages"
