namespace CachetMonitor.Domain.ConfigReading

open System
open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The `endpoints` items (their expectations, headers and metric values have readers of their own).
[<AutoOpen>]
module internal EndpointReader =
    /// What `timeout: 0` and `frequency: 0` stand for, in seconds (the original ran them as 1 second and as fast
    /// as it could).
    [<Literal>]
    let LeastSeconds = 1.0

    /// A required number of seconds where `0` or empty (which the original accepted) stand for 1 second; a
    /// warning says so.
    let secondsOrZero lookup (section: Section) key limit =
        match tryFind section key with
        | Some node when isAbsent node -> Ok LeastSeconds
        | Some node ->
            node
            |> readWith
                lookup
                (fun value ->
                    match tryFloat value.Text with
                    | Some 0.0 -> Ok LeastSeconds
                    | _ -> seconds limit value)
                (child section.Path key)
        | None -> missing section key

    /// The endpoint's scalar keys as written (after `${VAR}` substitution), for `{placeholder}` rendering.
    let templateValues lookup (section: Section) =
        section.Entries
        |> Array.choose (fun entry ->
            match entry.Value with
            | YamlScalar(written, _, _, _) ->
                let text =
                    match Interpolation.expand lookup written with
                    | Ok expanded -> expanded.Value
                    | Error _ -> written

                Some(entry.Name, text)
            | _ -> None)
        |> Map.ofArray

    let noTitles =
        {
            Outage = ""
            Performance = ""
            Operational = ""
        }

    /// No incident message templates (the `messages` of the config and the endpoint are applied after).
    let noMessages: IncidentMessages =
        {
            OutageMessage = None
            PerformanceMessage = None
            OperationalMessage = None
        }

    /// `allowed_fails`: a negative number (which the original ran) means 0 (a warning says so).
    let allowedFails lookup (section: Section) =
        value section "allowed_fails" (fun path node ->
            node
            |> readWith
                lookup
                (fun value ->
                    match tryInt value.Text with
                    | Some number when number < 0 -> Ok 0
                    | _ -> checkCount 0 value)
                path)

    /// `latency_unit` matters only with PUSH_METRICS; without it an unknown unit is a warning, not an error.
    let latencyUnitFor lookup (section: Section) (actions: Validation<MonitorAction list, ConfigIssue>) =
        let read = value section "latency_unit" (readWith lookup latencyUnit)

        match actions with
        | Ok actions when not (List.contains PushMetrics actions) -> read |> Result.orElse (Ok Seconds)
        | _ -> read

    /// Whether the endpoint's URL is http(s), as `method` and `expectation` require only then.
    let private isHttpUrl (ep: Section) =
        match tryFind ep "url" with
        | Some node ->
            match (textOf node).Trim().ToLowerInvariant() with
            | text when text.StartsWith "tcp://" || text.StartsWith "tls://" || text.StartsWith "dns://" -> false
            | _ -> true
        | None -> true

    /// A key required for http(s) URLs only; other URLs take `fallback` when it is absent.
    let private forHttp (ep: Section) key read fallback =
        if isHttpUrl ep then
            required ep key read
        else
            optional ep key read |> Result.map (Option.defaultValue fallback)

    /// The URL kinds an expectation type works with, as messages name them.
    let private worksWith kind =
        match kind with
        | HttpStatus _
        | BodyRegex _
        | JsonValue _ -> "http:// and https:// URLs"
        | CertificateExpiration _ -> "https:// and tls:// URLs"
        | DnsAnswer _ -> "dns:// URLs"
        | Latency _
        | Banner _ -> "every URL"

    let private fits target (url: string) kind =
        match kind, target with
        | Latency _, _ -> true
        | (HttpStatus _ | BodyRegex _ | JsonValue _), HttpTarget -> true
        | CertificateExpiration _, HttpTarget -> url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        | CertificateExpiration _, TcpTarget(_, _, tls) -> tls
        | DnsAnswer _, DnsTarget _
        | Banner _, TcpTarget _ -> true
        | _ -> false

    /// Keys and expectations that do not go with the endpoint's kind of URL: each error at its key.
    let private combinations (ep: Section) (endpoint: Endpoint) =
        let scheme = endpoint.Url.Substring(0, max 0 (endpoint.Url.IndexOf "://"))

        let keyErrors =
            [
                match endpoint.Target with
                | TcpTarget _ -> yield! [ "header"; "body"; "metric_value" ]
                | DnsTarget _ -> yield! [ "header"; "body"; "send"; "expect"; "metric_value" ]
                | HttpTarget -> yield! [ "send"; "expect" ]
            ]
            |> List.choose (fun key ->
                tryFind ep key
                |> Option.filter (isAbsent >> not)
                |> Option.map (fun node ->
                    issue (child ep.Path key) (at node) $"does not apply to a %s{scheme}:// URL (see docs/checks.md)"))

        let expectationErrors =
            match tryFind ep "expectation" with
            | Some(YamlSequence(items, _, _)) ->
                List.zip
                    (List.ofArray items |> List.truncate endpoint.Expectations.Length)
                    (endpoint.Expectations |> List.truncate items.Length)
                |> List.mapi (fun i (node, expectation) -> i, node, expectation)
                |> List.filter (fun (_, _, e) -> not (fits endpoint.Target endpoint.Url e.Kind))
                |> List.map (fun (i, node, e) ->
                    let path = child (index (child ep.Path "expectation") i) "type"

                    let where =
                        match node with
                        | YamlMapping(entries, _, _, _) ->
                            entries
                            |> Array.tryPick (fun entry -> if entry.Name = "type" then Some entry.Value else None)
                            |> Option.defaultValue node
                        | _ -> node

                    let typeName = e.Kind.TypeName

                    issue
                        path
                        (at where)
                        $"%s{typeName} works with %s{worksWith e.Kind} only, not with a %s{scheme}:// URL")
            | _ -> []

        match keyErrors @ expectationErrors with
        | [] -> Ok()
        | errors -> Error errors

    let endpoint lookup path node =
        node
        |> mapping
            (Some ConfigSection.Endpoint)
            "of endpoint settings"
            (fun ep ->
                let actions = value ep "action" (listOf "action" false (readWith lookup action))

                validation {
                    let! name = required ep "name" (readText lookup)
                    and! rawUrl, url, target = required ep "url" (readWith lookup targetUrl)
                    and! httpMethod = forHttp ep "method" (readWith lookup httpMethod) ""
                    and! headers = value ep "header" (headers lookup)
                    and! body = optional ep "body" (readText lookup)
                    and! send = optional ep "send" (readText lookup)
                    and! expect = optional ep "expect" (readWith lookup regex)
                    and! timeout = secondsOrZero lookup ep "timeout" ConfigKeys.MaxTimeoutSeconds
                    and! insecure = value ep "insecure" (readWith lookup boolean)

                    and! expectations =
                        forHttp ep "expectation" (listOf "expectation" true (expectation lookup)) []

                    and! allowedFails = allowedFails lookup ep
                    and! successThreshold = value ep "success_threshold" (readWith lookup (checkCount 1))
                    and! componentId = required ep "component_id" (readWith lookup (wholeNumber 1))
                    and! metricId = optional ep "metric_id" (readWith lookup (wholeNumber 1))
                    and! metricValue = optional ep "metric_value" (metricValue lookup)
                    and! latencyUnit = latencyUnitFor lookup ep actions
                    and! actions = actions
                    and! publicIncidents = value ep "public_incidents" (readWith lookup boolean)
                    and! frequency = secondsOrZero lookup ep "frequency" ConfigKeys.MaxFrequencySeconds
                    and! onTimeout = value ep "on_timeout" (readWith lookup severity)
                    and! onUnreachable = value ep "on_unreachable" (readWith lookup severity)
                    and! request = requestOptions lookup ep

                    return
                        {
                            Name = name
                            RawUrl = rawUrl
                            Url = url
                            Target = target
                            Method = httpMethod
                            Headers = headers
                            Body = body
                            Send = send
                            TimeoutSeconds = timeout
                            Insecure = insecure
                            Expectations =
                                expectations
                                @ (expect
                                   |> Option.map (fun p -> { Kind = Banner p; Severity = Partial })
                                   |> Option.toList)
                            AllowedFails = allowedFails
                            SuccessThreshold = successThreshold
                            ComponentId = componentId
                            MetricId = metricId
                            MetricValue = metricValue
                            LatencyUnit = latencyUnit
                            Actions = Set.ofList actions
                            PublicIncidents = publicIncidents
                            FrequencySeconds = frequency
                            OnTimeout = onTimeout
                            OnUnreachable = onUnreachable
                            Titles = noTitles
                            TemplateValues = templateValues lookup ep
                            Messages = noMessages
                            Request = request
                        }
                }
                |> Result.bind (fun endpoint -> combinations ep endpoint |> Result.map (fun () -> endpoint)))
            path
