namespace CachetMonitor.Domain.CSharp

open System
open System.Collections.Generic
open CachetMonitor.Domain

/// One configured expectation of an endpoint.
[<Sealed>]
type ExpectationConfig internal (inner: Expectation) =
    /// The config <c>type</c>: <c>HTTP_STATUS</c>, <c>LATENCY</c>, <c>REGEX</c>, <c>CERTIFICATE_EXPIRATION</c>,
    /// <c>JSON</c> or <c>DNS_ANSWER</c>; <c>EXPECT</c> for the endpoint's <c>expect</c> (tcp:// and tls://).
    member _.Type = inner.Kind.TypeName

    /// The severity of its failure as the config writes it (<c>PERFORMANCE</c>, <c>PARTIAL</c>, <c>MAJOR</c>).
    member _.Severity = Severity.name inner.Severity

    /// <c>HTTP_STATUS</c>: the accepted status ranges as written (<c>200-300</c>, <c>418</c>); empty otherwise.
    member _.StatusRanges: IReadOnlyList<string> =
        match inner.Kind with
        | HttpStatus ranges -> ranges |> List.map StatusRange.render |> List.toArray :> _
        | _ -> Array.empty :> _

    /// <c>LATENCY</c>: the threshold in seconds; null otherwise.
    member _.ThresholdSeconds: Nullable<float> =
        match inner.Kind with
        | Latency threshold -> Nullable threshold
        | _ -> Nullable()

    /// <c>REGEX</c> (and <c>JSON</c>, <c>DNS_ANSWER</c> with <c>regex</c>, and <c>expect</c>): the pattern as written;
    /// null otherwise.
    member _.Regex: string | null =
        match inner.Kind with
        | BodyRegex pattern
        | Banner pattern
        | JsonValue(_, Matches pattern)
        | DnsAnswer(Matches pattern) -> RegexPattern.source pattern
        | _ -> null

    /// <c>CERTIFICATE_EXPIRATION</c>: the threshold in days; null otherwise.
    member _.ThresholdDays: Nullable<float> =
        Option.toNullable (
            match inner.Kind with
            | CertificateExpiration days -> Some days
            | _ -> None
        )

    /// <c>JSON</c>: the path as written; null otherwise.
    member _.JsonPath: string | null =
        match inner.Kind with
        | JsonValue(path, _) -> JsonPath.render path
        | _ -> null

    /// <c>JSON</c>, <c>DNS_ANSWER</c>: the <c>value</c> compared with; null otherwise.
    member _.Value: string | null =
        match inner.Kind with
        | JsonValue(_, Equals value)
        | DnsAnswer(Equals value) -> value
        | _ -> null

/// One endpoint to watch, as configured (every value validated and defaulted).
[<Sealed>]
type EndpointConfig internal (inner: Endpoint) =
    member internal _.Inner = inner

    /// The endpoint's name (unique in a config).
    member _.Name = inner.Name

    /// The URL probed (<c>http://</c> added when the config gives no scheme).
    member _.Url = inner.Url

    /// The URL as written (message templates see this).
    member _.RawUrl = inner.RawUrl

    /// The HTTP method as written.
    member _.Method = inner.Method

    /// The request headers, in config order.
    member _.Headers: IReadOnlyList<KeyValuePair<string, string>> = inner.HeaderList

    /// What is written once connected (<c>send</c>, <c>tcp://</c> and <c>tls://</c>); null when not set.
    member _.Send: string | null = inner.SendOrNull

    /// The request body (<c>body</c>); null when not set.
    member _.Body: string | null = inner.BodyOrNull

    /// Seconds a probe may take (<c>timeout</c>).
    member _.TimeoutSeconds = inner.TimeoutSeconds

    /// Whether TLS certificates go unchecked (<c>insecure</c>).
    member _.Insecure = inner.Insecure

    /// Seconds between checks (<c>frequency</c>).
    member _.FrequencySeconds = inner.FrequencySeconds

    /// The expectations, in config order.
    member _.Expectations: IReadOnlyList<ExpectationConfig> =
        inner.Expectations |> List.map ExpectationConfig |> List.toArray :> _

    /// Whether a probe must read the response body (a <c>REGEX</c> or <c>JSON</c> expectation, <c>expect</c>, or
    /// <c>metric_value</c>); otherwise the headers suffice.
    member _.NeedsBody = inner.NeedsBody

    /// Failing checks tolerated before the endpoint counts as down (<c>allowed_fails</c>).
    member _.AllowedFails = inner.AllowedFails

    /// Consecutive passing checks needed to recover (<c>success_threshold</c>).
    member _.SuccessThreshold = inner.SuccessThreshold

    /// The Cachet component the endpoint drives (<c>component_id</c>).
    member _.ComponentId = inner.ComponentId

    /// The Cachet metric latencies are pushed to (<c>metric_id</c>); null when not set.
    member _.MetricId: Nullable<int> = inner.MetricIdOrNull

    /// Where the number pushed instead of the latency is read, as the config writes it (<c>json: PATH</c> or
    /// <c>regex: PATTERN</c>, from <c>metric_value</c>); null when the latency is pushed.
    member _.MetricValue: string | null = inner.MetricValueOrNull

    /// The unit metric points are pushed in: <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>latency_unit</c>).
    member _.LatencyUnit = LatencyUnit.name inner.LatencyUnit

    /// What the monitor may change in Cachet, as the config writes it (<c>UPDATE_STATUS</c>,
    /// <c>CREATE_INCIDENT</c>, <c>PUSH_METRICS</c>), in that order.
    member _.Actions: IReadOnlyList<string> =
        inner.Actions |> Seq.map MonitorAction.name |> Seq.toArray :> _

    /// Whether the <c>action</c> list holds the action named as the config writes it (e.g. <c>CREATE_INCIDENT</c>).
    member _.Has(action: string) =
        match MonitorAction.tryParse action with
        | Some parsed -> inner.Has parsed
        | None -> false

    /// Whether incidents are public (<c>public_incidents</c>).
    member _.PublicIncidents = inner.PublicIncidents

    /// The severity of a time-out (<c>on_timeout</c>): <c>PERFORMANCE</c>, <c>PARTIAL</c> or <c>MAJOR</c>.
    member _.OnTimeout = Severity.name inner.OnTimeout

    /// The severity of a connection failure (<c>on_unreachable</c>).
    member _.OnUnreachable = Severity.name inner.OnUnreachable

    /// The incident title for an outage (statuses 3 and 4), rendered from <c>messages.incident_outage</c>.
    member _.OutageTitle = inner.Titles.Outage

    /// The incident title for performance issues (status 2), from <c>messages.incident_performance</c>.
    member _.PerformanceTitle = inner.Titles.Performance

    /// The incident title once operational again (status 1), from <c>messages.incident_operational</c>.
    member _.OperationalTitle = inner.Titles.Operational

    /// The endpoint's scalar keys as written, which <c>{placeholder}</c>s in messages name.
    member _.TemplateValues: IReadOnlyDictionary<string, string> =
        inner.TemplateValues |> Map.toSeq |> dict |> Dictionary :> _

    /// The endpoint's name.
    override _.ToString() = inner.Name
