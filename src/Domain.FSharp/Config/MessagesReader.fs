namespace CachetMonitor.Domain.ConfigReading

open System
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The `messages` section: the incident title templates and the titles they give each endpoint.
[<AutoOpen>]
module internal MessagesReader =
    /// The README's misspelling of `incident_performance`, accepted with a warning.
    let misspeltPerformance = "incident_performace"

    /// An empty `messages` section, where the table's defaults are read.
    let private noMessages =
        {
            Path = "messages"
            Position = { Line = 1; Column = 1 }
            Entries = [||]
            Kind = Some ConfigSection.Messages
            Known = []
        }

    /// A scalar that YAML reads as a string (quoted, or plain but not a number, boolean or null).
    let private isString (node: YamlNode) =
        match node with
        | YamlScalar(text, true, _, _) ->
            not (
                Text.RegularExpressions.Regex.IsMatch(
                    text,
                    @"^([-+]?[0-9][0-9_]*|[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?|(?i:true|false|yes|no|on|off))$"
                )
            )
        | _ -> true

    /// The keys of a `messages` mapping: the titles, then the incident message templates.
    let messageKeys =
        [
            "incident_outage"
            "incident_performance"
            "incident_operational"
            "incident_outage_message"
            "incident_performance_message"
            "incident_operational_message"
        ]

    /// A written message key's node and where it is; the README's misspelling stands in for `incident_performance`.
    let private writtenNode (messages: Section) key =
        match tryFind messages key with
        | Some node when not (isAbsent node) -> Some(child messages.Path key, node)
        | _ when key = "incident_performance" ->
            tryFind messages misspeltPerformance
            |> Option.filter (isAbsent >> not)
            |> Option.map (fun node -> child messages.Path misspeltPerformance, node)
        | _ -> None

    /// The templates written in a `messages` mapping: key, where, template.
    let writtenTemplates lookup (messages: Section) =
        messageKeys
        |> List.traverseValidationA (fun key ->
            match writtenNode messages key with
            | Some(path, node) when not (isString node) ->
                // The original refused a number or a boolean here; a title is text.
                fail path node $"must be a string (quote it: \"%s{textOf node}\")"
            | Some(path, node) ->
                template lookup None path node
                |> Result.map (fun parsed -> Some(key, (path, node), parsed))
            | None -> Ok None)
        |> Result.map (List.choose id)

    let private find key (written: (string * (string * YamlNode) * Template) list) =
        written
        |> List.tryPick (fun (k, _, parsed) -> if k = key then Some parsed else None)

    /// The global templates (titles defaulted from the key table), and those written.
    let messageTemplates lookup (messages: Section option) =
        messages
        |> Option.map (writtenTemplates lookup)
        |> Option.defaultValue (Ok [])
        |> Result.bind (fun written ->
            let title key =
                match find key written with
                | Some parsed -> Ok parsed
                | None -> value noMessages key (template lookup None)

            validation {
                let! outage = title "incident_outage"
                and! performance = title "incident_performance"
                and! operational = title "incident_operational"

                return
                    {
                        IncidentOutage = outage
                        IncidentPerformance = performance
                        IncidentOperational = operational
                        Messages =
                            {
                                OutageMessage = find "incident_outage_message" written
                                PerformanceMessage = find "incident_performance_message" written
                                OperationalMessage = find "incident_operational_message" written
                            }
                    },
                    written
            })

    let messagesSection (top: Section) =
        tryFind top "messages"
        |> Option.filter (isAbsent >> not)
        |> Option.map (fun node -> node, section "messages" (Some ConfigSection.Messages) node)

    /// An endpoint's own `messages`: the templates written there.
    let endpointMessages lookup (ep: Section) =
        match tryFind ep "messages" with
        | Some node when not (isAbsent node) ->
            node
            |> mapping
                (Some ConfigSection.Messages)
                "of message keys to templates"
                (writtenTemplates lookup)
                (child ep.Path "messages")
        | _ -> Ok []

    /// The placeholders a key's template may use besides the endpoint's keys, and those it may not use at all.
    let private placeholdersOf key =
        match key with
        | "incident_operational_message" -> [ "name"; "url" ], IncidentMessage.failurePlaceholders
        | "incident_outage_message"
        | "incident_performance_message" -> IncidentMessage.builtInPlaceholders, []
        | _ -> [], []

    /// Every placeholder of a written template must be built in, or a scalar key of every endpoint it applies to.
    let placeholderIssues lookup (applies: Section list) (key, (path, node: YamlNode), parsed) =
        let builtIn, refused = placeholdersOf key

        Template.placeholders parsed
        |> List.choose (fun placeholder ->
            let lacking =
                applies
                |> List.filter (fun ep -> not ((templateValues lookup ep).ContainsKey placeholder))
                |> List.map (fun ep -> ep.Path)

            if List.contains placeholder refused then
                Some(
                    issue
                        path
                        (at node)
                        $"placeholder {{%s{placeholder}}} is not available here: a passing check resolves the incident (use {{name}}, {{url}} or the endpoint's keys)"
                )
            elif List.contains placeholder builtIn then
                None
            else
                match lacking with
                | [] -> None
                | [ one ] -> Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of %s{one}")
                | many when many.Length = applies.Length ->
                    Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of any endpoint")
                | many ->
                    let listed = String.Join(", ", many)
                    Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of %s{listed}"))

    /// The placeholders of the global templates (for the endpoints that do not override the key) and of each
    /// endpoint's own.
    let checkPlaceholders lookup (endpoints: (Section * (string * (string * YamlNode) * Template) list) list) written =
        let overrides key (own: (string * (string * YamlNode) * Template) list) =
            own |> List.exists (fun (k, _, _) -> k = key)

        let global' =
            written
            |> List.collect (fun ((key, _, _) as item) ->
                let applies = endpoints |> List.filter (snd >> overrides key >> not) |> List.map fst

                placeholderIssues lookup applies item)

        let own =
            endpoints
            |> List.collect (fun (ep, items) -> items |> List.collect (placeholderIssues lookup [ ep ]))

        match global' @ own with
        | [] -> Ok()
        | issues -> Error issues

    /// The endpoint with its titles rendered and its message templates: its own `messages` first, then the global.
    let withMessages
        (templates: MessageTemplates)
        (own: (string * (string * YamlNode) * Template) list)
        (ep: Endpoint)
        =
        let render key fallback =
            find key own
            |> Option.defaultValue fallback
            |> Template.render (fun name -> ep.TemplateValues.TryFind name)

        let body key fallback = find key own |> Option.orElse fallback

        { ep with
            Titles =
                {
                    Outage = render "incident_outage" templates.IncidentOutage
                    Performance = render "incident_performance" templates.IncidentPerformance
                    Operational = render "incident_operational" templates.IncidentOperational
                }
            Messages =
                {
                    OutageMessage = body "incident_outage_message" templates.Messages.OutageMessage
                    PerformanceMessage = body "incident_performance_message" templates.Messages.PerformanceMessage
                    OperationalMessage = body "incident_operational_message" templates.Messages.OperationalMessage
                }
        }
