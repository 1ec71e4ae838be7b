namespace CachetMonitor.Domain.ConfigReading

open System
open CachetMonitor.Domain

/// Warnings: unknown keys (with suggestions), misspellings accepted, values replaced by defaults.
[<AutoOpen>]
module internal ConfigWarnings =
    let unknownKeys (extra: Set<string>) section =
        section.Entries
        |> Array.filter (fun entry ->
            entry.Name <> "<<"
            && not (List.contains entry.Name section.Known)
            && not (extra.Contains entry.Name))
        |> Array.toList
        |> List.map (fun entry ->
            let name = entry.Name

            let message =
                match suggest section.Known name with
                | Some candidate -> $"unknown key \"%s{name}\" (did you mean \"%s{candidate}\"?)"
                | None -> $"unknown key \"%s{name}\" (ignored)"

            issue (child section.Path name) (at entry.Key) message)

    let items (node: YamlNode option) =
        match node with
        | Some(YamlSequence(items, _, _)) -> items |> List.ofArray |> List.indexed
        | _ -> []

    /// The section's `type`, when it is one of `types`.
    let knownType lookup types section =
        tryFind section "type"
        |> Option.bind (fun node ->
            match scalar lookup section.Path node with
            | Ok value when List.contains value.Text types -> Some value.Text
            | _ -> None)

    /// Unknown keys of a section with `type`s, and keys of another type (ignored, with a warning).
    let typedWarnings lookup kind types (what: string) path node =
        match section path (Some kind) node with
        | None -> []
        | Some found ->
            match knownType lookup types found with
            | None -> unknownKeys Set.empty found
            | Some typeName ->
                let known = ConfigKeyTable.namesFor kind (Some typeName)
                let others = found.Known |> List.filter (fun key -> not (List.contains key known))

                [
                    for entry in found.Entries do
                        if List.contains entry.Name others then
                            yield
                                issue
                                    (child path entry.Name)
                                    (at entry.Key)
                                    $"\"%s{entry.Name}\" does not apply to a %s{typeName} %s{what} (ignored)"
                ]
                @ unknownKeys (Set.ofList others) { found with Known = known }

    /// A warning at `key` when its value (as read) says so.
    let private valueWarning lookup (section: Section) key (says: Scalar -> string option) =
        match tryFind section key with
        | Some node when not (isAbsent node) ->
            match scalar lookup (child section.Path key) node with
            | Ok value ->
                says value
                |> Option.map (fun message -> issue (child section.Path key) (at node) message)
                |> Option.toList
            | Error _ -> []
        | _ -> []

    let messageWarnings (messages: Section) =
        let misspelt =
            match tryFind messages misspeltPerformance with
            | None -> []
            | Some _ ->
                let keyNode = (tryFindKey messages misspeltPerformance).Value

                let message =
                    match tryFind messages "incident_performance" with
                    | Some _ -> "is a misspelling of \"incident_performance\", which is also set; ignored"
                    | None -> "is read as \"incident_performance\" (the original README's misspelling)"

                [ issue (child messages.Path misspeltPerformance) (at keyNode) message ]

        unknownKeys (Set.singleton misspeltPerformance) messages @ misspelt

    /// The placeholders of written templates.
    let templatePlaceholders (written: (string * (string * YamlNode) * Template) list) =
        written |> List.collect (fun (_, _, parsed) -> Template.placeholders parsed)

    let endpointWarnings lookup (placeholders: Set<string>) path node =
        match section path (Some ConfigSection.Endpoint) node with
        | None -> []
        | Some ep ->
            // The endpoint's own `messages`: its unknown keys, and its placeholders name keys of the endpoint.
            let ownMessages =
                tryFind ep "messages"
                |> Option.bind (section (child path "messages") (Some ConfigSection.Messages))

            let placeholders =
                ownMessages
                |> Option.map (fun own ->
                    writtenTemplates lookup own
                    |> Result.map templatePlaceholders
                    |> Result.defaultValue [])
                |> Option.defaultValue []
                |> Set.ofList
                |> Set.union placeholders

            let orZero key (original: string) =
                match tryFind ep key with
                | Some node when isAbsent node ->
                    [
                        issue (child path key) (at node) $"is empty; using %g{LeastSeconds} second, as the original did"
                    ]
                | _ ->
                    valueWarning lookup ep key (fun value ->
                        if tryFloat value.Text = Some 0.0 then
                            Some $"is 0; using %g{LeastSeconds} second, %s{original}"
                        else
                            None)

            let timeout = orZero "timeout" "as the original did"
            let frequency = orZero "frequency" "the original checked as fast as it could"

            let allowedFails =
                valueWarning lookup ep "allowed_fails" (fun value ->
                    match tryInt value.Text with
                    | Some number when number < 0 -> Some $"is %d{number}; using 0 (a failure counts at once)"
                    | _ -> None)

            let pushes =
                items (tryFind ep "action")
                |> List.filter (fun (_, item) -> textOf item = MonitorAction.name PushMetrics)

            let unusedUnit =
                if pushes.IsEmpty then
                    valueWarning lookup ep "latency_unit" (fun value ->
                        match latencyUnit value with
                        | Error message -> Some $"%s{message}; ignored, as no PUSH_METRICS uses it"
                        | Ok _ -> None)
                else
                    []

            let pushWithoutMetric =
                match tryFind ep "metric_id" |> Option.filter (isAbsent >> not) with
                | Some _ -> []
                | None ->
                    pushes
                    |> List.map (fun (i, item) ->
                        issue (index (child path "action") i) (at item) "PUSH_METRICS does nothing without a metric_id")

            // `metric_value` is pushed as a metric point: without PUSH_METRICS and a metric_id nothing reads it.
            let valueWarnings =
                match tryFind ep "metric_value" |> Option.filter (isAbsent >> not) with
                | None -> []
                | Some node ->
                    let unused =
                        if pushes.IsEmpty then
                            [
                                issue
                                    (child path "metric_value")
                                    (at node)
                                    "does nothing without PUSH_METRICS in action (and a metric_id)"
                            ]
                        elif (tryFind ep "metric_id" |> Option.filter (isAbsent >> not)).IsNone then
                            [
                                issue (child path "metric_value") (at node) "does nothing without a metric_id"
                            ]
                        else
                            []

                    unused
                    @ (section (child path "metric_value") (Some ConfigSection.MetricValue) node
                       |> Option.map (unknownKeys Set.empty)
                       |> Option.defaultValue [])

            unknownKeys placeholders ep
            @ (ownMessages |> Option.map messageWarnings |> Option.defaultValue [])
            @ timeout
            @ frequency
            @ allowedFails
            @ unusedUnit
            @ pushWithoutMetric
            @ valueWarnings
            @ (items (tryFind ep "expectation")
               |> List.collect (fun (i, item) ->
                   typedWarnings
                       lookup
                       ConfigSection.Expectation
                       ConfigKeys.ExpectationTypes
                       "expectation"
                       (index (child path "expectation") i)
                       item))

    let private providerWarnings lookup path node =
        typedWarnings lookup ConfigSection.TokenProvider ConfigKeys.ProviderTypes "token provider" path node

    let cachetWarnings lookup node =
        match section "cachet" (Some ConfigSection.Cachet) node with
        | None -> []
        | Some c ->
            let tokenPath = child "cachet" "token"

            let providers =
                match tryFind c "token" with
                | Some(YamlMapping _ as single) -> providerWarnings lookup tokenPath single
                | token ->
                    items token
                    |> List.collect (fun (i, item) -> providerWarnings lookup (index tokenPath i) item)

            let noApiPath =
                valueWarning lookup c "api_url" (fun value ->
                    match httpUrl value with
                    | Ok(_, url) when not (Uri(url).AbsolutePath.Contains "/api") ->
                        Some
                            "has no /api path: Cachet 2.x serves its API under /api/v1 (e.g. https://status.example.com/api/v1)"
                    | _ -> None)

            unknownKeys Set.empty c @ providers @ noApiPath

    /// Unknown keys, and keys a window's kind does not read.
    let windowWarnings (window: Section) =
        let ignoredZone =
            match tryFind window "timezone", tryFind window "cron" with
            | Some _, None when (tryFind window "start").IsSome ->
                let keyNode = (tryFindKey window "timezone").Value

                [
                    issue
                        (child window.Path "timezone")
                        (at keyNode)
                        "applies to cron windows only (start and end carry their own offsets); ignored"
                ]
            | _ -> []

        unknownKeys Set.empty window @ ignoredZone

    let connectivityWarnings (c: Section) =
        let both =
            match tryFind c "urls", tryFind c "all_failing_threshold" with
            | Some(YamlSequence(urls, _, _)), Some node when urls.Length > 0 ->
                [
                    issue
                        (child c.Path "all_failing_threshold")
                        (at node)
                        "is the heuristic for a config without urls; with urls it is ignored"
                ]
            | _ -> []

        unknownKeys Set.empty c @ both

    /// Every warning: unknown keys (with suggestions), misspellings and old layouts accepted, values replaced by
    /// defaults. Computed whether or not the config is valid.
    let warnings lookup (top: Section) =
        let placeholders =
            match messagesSection top with
            | Some(_, Some messages) ->
                messageTemplates lookup (Some messages)
                |> Result.map (snd >> templatePlaceholders)
                |> Result.defaultValue []
                |> Set.ofList
            | _ -> Set.empty

        let singleEndpoint, oldLayout =
            match singleEndpointLayout top with
            | Some(keyNode, _) ->
                Set.singleton SingleEndpointKey,
                [
                    issue
                        SingleEndpointKey
                        (at keyNode)
                        "is the single-endpoint layout of versions before 0.6, read as the one item of \"endpoints\"; to convert it, rename \"endpoint:\" to \"endpoints:\" and start its first line with \"- \" (a list of one endpoint)"
                ]
            | None -> Set.empty, []

        unknownKeys singleEndpoint top
        @ oldLayout
        @ (endpointNodes top
           |> List.collect (fun (path, item) -> endpointWarnings lookup placeholders path item))
        @ (tryFind top "cachet"
           |> Option.map (cachetWarnings lookup)
           |> Option.defaultValue [])
        @ (items (tryFind top "webhooks")
           |> List.collect (fun (i, item) ->
               section (index "webhooks" i) (Some ConfigSection.Webhook) item
               |> Option.map (unknownKeys Set.empty)
               |> Option.defaultValue []))
        @ (match messagesSection top with
           | Some(_, Some messages) -> messageWarnings messages
           | _ -> [])
        @ (items (tryFind top "maintenance")
           |> List.collect (fun (i, item) ->
               section (index "maintenance" i) (Some ConfigSection.Maintenance) item
               |> Option.map windowWarnings
               |> Option.defaultValue []))
        @ (tryFind top "connectivity"
           |> Option.bind (section "connectivity" (Some ConfigSection.Connectivity))
           |> Option.map connectivityWarnings
           |> Option.defaultValue [])
