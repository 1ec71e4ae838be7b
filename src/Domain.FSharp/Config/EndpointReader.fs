namespace CachetMonitor.Domain.ConfigReading

open System
open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open YamlDotNet.RepresentationModel
open CachetMonitor.Domain

/// The `endpoints` items and their expectations.
[<AutoOpen>]
module internal EndpointReader =
    /// What `timeout: 0` and `frequency: 0` stand for, in seconds (the original ran them as 1 second and as fast
    /// as it could).
    [<Literal>]
    let LeastSeconds = 1.0

    /// A certificate threshold: a positive number of days.
    let days (value: Scalar) =
        match tryFloat value.Text with
        | Some number when number > 0.0 -> Ok number
        | _ -> Error $"%s{shown value} must be a positive number of days"

    let jsonPath (value: Scalar) =
        JsonPath.parse value.Text
        |> Result.mapError (redacted value "is not a JSON path")

    /// Exactly one of two keys of a section, each read by its own reader.
    let private eitherKey (section: Section) first readFirst second readSecond =
        match optional section first readFirst, optional section second readSecond with
        | Ok(Some a), Ok None -> Ok(Choice1Of2 a)
        | Ok None, Ok(Some b) -> Ok(Choice2Of2 b)
        | Ok(Some _), Ok(Some _) ->
            fail
                (child section.Path second)
                (Option.get (tryFind section second))
                $"cannot go with %s{first}: give one of them"
        | Ok None, Ok None ->
            Error
                [
                    issue (child section.Path first) section.Position $"is required (or %s{second})"
                ]
        | Error a, Error b -> Error(a @ b)
        | Error e, _
        | _, Error e -> Error e

    /// `value` or `regex` (exactly one), as JSON and DNS_ANSWER take them.
    let textMatch lookup (ex: Section) =
        eitherKey ex "value" (readText lookup) "regex" (readWith lookup regex)
        |> Result.map (fun found ->
            match found with
            | Choice1Of2 value -> Equals value
            | Choice2Of2 pattern -> Matches pattern)

    /// A `metric_value` regex: it must compile and say which group holds the number.
    let private valueRegex (value: Scalar) =
        regex value
        |> Result.bind (fun pattern ->
            MetricValue.ofRegex pattern
            |> Result.mapError (redacted value "has no capture group that holds the number"))

    /// `metric_value`: `json` or `regex` (exactly one).
    let metricValue lookup path node =
        node
        |> mapping
            (Some ConfigSection.MetricValue)
            "with json or regex"
            (fun section ->
                eitherKey section "json" (readWith lookup jsonPath) "regex" (readWith lookup valueRegex)
                |> Result.map (fun found ->
                    match found with
                    | Choice1Of2 path -> JsonNumber path
                    | Choice2Of2 source -> source))
            path

    let expectation lookup path node =
        node
        |> mapping
            (Some ConfigSection.Expectation)
            "with a type"
            (fun ex ->
                let kind =
                    required ex "type" (readWith lookup (oneOf ConfigKeys.ExpectationTypes "expectation type"))
                    |> Result.bind (fun kind ->
                        match kind with
                        | "HTTP_STATUS" ->
                            required ex "status_range" (fun path node ->
                                match node with
                                | :? YamlSequenceNode ->
                                    listOf "status or range" true (readWith lookup statusRange) path node
                                | _ -> readWith lookup statusRange path node |> Result.map List.singleton)
                            |> Result.map (fun ranges -> HttpStatus ranges, Partial)
                        | "LATENCY" ->
                            required ex "threshold" (readWith lookup (seconds Double.MaxValue))
                            |> Result.map (fun threshold -> Latency threshold, Performance)
                        | "CERTIFICATE_EXPIRATION" ->
                            required ex "threshold" (readWith lookup days)
                            |> Result.map (fun days -> CertificateExpiration days, Performance)
                        | "JSON" ->
                            validation {
                                let! path = required ex "path" (readWith lookup jsonPath)
                                and! expected = textMatch lookup ex
                                return JsonValue(path, expected), Partial
                            }
                        | "DNS_ANSWER" ->
                            textMatch lookup ex |> Result.map (fun expected -> DnsAnswer expected, Partial)
                        | _ ->
                            required ex "regex" (readWith lookup regex)
                            |> Result.map (fun pattern -> BodyRegex pattern, Partial))

                validation {
                    let! kind, fallback = kind
                    and! incident = optional ex "incident" (readWith lookup severity)

                    return
                        {
                            Kind = kind
                            Severity = incident |> Option.defaultValue fallback
                        }
                })
            path

    let headerName path (keyNode: YamlNode) (name: string) =
        if Regex.IsMatch(name, @"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") then
            Ok name
        else
            fail path keyNode $"\"%s{name}\" is not a valid header name"

    let headerValue (value: Scalar) =
        let notAscii =
            value.Text |> Seq.tryFind (fun c -> c <> '\t' && (c < ' ' || c > '~'))

        match notAscii with
        | Some('\r' | '\n') -> Error $"%s{shown value} contains a line break, which a header value cannot"
        | Some c when c < ' ' || c = '\127' ->
            Error $"%s{shown value} contains a control character, which a header value cannot"
        | Some c ->
            // HTTP sends header values as ASCII: sending anything else fails before the target is contacted.
            let character =
                if value.FromEnvironment then
                    "a character"
                else
                    $"\"%c{c}\""

            Error
                $"%s{shown value} contains %s{character}, which is not ASCII: HTTP header values must be printable ASCII; encode the value (e.g. percent-encoding, or RFC 8187's UTF-8''%%C3%%A9 form where the receiver expects it)"
        | None -> Ok value.Text

    let headers lookup path node =
        node
        |> mapping
            None
            "of header names to values"
            (fun found ->
                found.Entries
                |> List.traverseValidationA (fun (name, keyNode, value) ->
                    let path = child path name

                    validation {
                        let! name = headerName path keyNode name

                        and! value =
                            if isAbsent value then
                                Ok ""
                            else
                                readWith lookup headerValue path value

                        return name, value
                    }))
            path

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
        |> List.choose (fun (name, _, value) ->
            match value with
            | :? YamlScalarNode ->
                let text =
                    match Interpolation.expand lookup (textOf value) with
                    | Ok expanded -> expanded.Value
                    | Error _ -> textOf value

                Some(name, text)
            | _ -> None)
        |> Map.ofList

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
            | Some(:? YamlSequenceNode as items) ->
                List.zip
                    (List.ofSeq items.Children |> List.truncate endpoint.Expectations.Length)
                    (endpoint.Expectations |> List.truncate items.Children.Count)
                |> List.mapi (fun i (node, expectation) -> i, node, expectation)
                |> List.filter (fun (_, _, e) -> not (fits endpoint.Target endpoint.Url e.Kind))
                |> List.map (fun (i, node, e) ->
                    let path = child (index (child ep.Path "expectation") i) "type"

                    let where =
                        match node with
                        | :? YamlMappingNode as mapping ->
                            mapping.Children
                            |> Seq.tryPick (fun (KeyValue(k, v)) -> if textOf k = "type" then Some v else None)
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
