namespace CachetMonitor.Domain.ConfigReading

open System
open FsToolkit.ErrorHandling
open YamlDotNet.Core
open YamlDotNet.RepresentationModel
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
            Entries = []
            Kind = Some ConfigSection.Messages
            Known = []
        }

    /// A scalar that YAML reads as a string (quoted, or plain but not a number, boolean or null).
    let private isString (node: YamlNode) =
        match node with
        | :? YamlScalarNode as scalar when scalar.Style = ScalarStyle.Plain ->
            let text = textOf node

            not (
                Text.RegularExpressions.Regex.IsMatch(
                    text,
                    @"^([-+]?[0-9][0-9_]*|[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?|(?i:true|false|yes|no|on|off))$"
                )
            )
        | _ -> true

    /// A message key's template and where it was written (nothing for a default); the README's misspelling
    /// stands in for `incident_performance`.
    let messageTemplate lookup (messages: Section option) key =
        let written =
            messages
            |> Option.bind (fun m ->
                match tryFind m key with
                | Some node when not (isAbsent node) -> Some(child m.Path key, node)
                | _ when key = "incident_performance" ->
                    tryFind m misspeltPerformance
                    |> Option.filter (isAbsent >> not)
                    |> Option.map (fun node -> child m.Path misspeltPerformance, node)
                | _ -> None)

        match written with
        | Some(path, node) when not (isString node) ->
            // The original refused a number or a boolean here; a title is text.
            fail path node $"must be a string (quote it: \"%s{textOf node}\")"
        | Some(path, node) -> template lookup None path node |> Result.map (fun parsed -> written, parsed)
        | None ->
            value noMessages key (template lookup None)
            |> Result.map (fun parsed -> None, parsed)

    /// The three message templates, and each with where it was written.
    let messageTemplates lookup (messages: Section option) =
        validation {
            let! outage = messageTemplate lookup messages "incident_outage"

            and! performance = messageTemplate lookup messages "incident_performance"

            and! operational = messageTemplate lookup messages "incident_operational"

            return
                {
                    IncidentOutage = snd outage
                    IncidentPerformance = snd performance
                    IncidentOperational = snd operational
                },
                [ outage; performance; operational ]
        }

    let messagesSection (top: Section) =
        tryFind top "messages"
        |> Option.filter (isAbsent >> not)
        |> Option.map (fun node -> node, section "messages" (Some ConfigSection.Messages) node)

    let withTitles (templates: MessageTemplates) (ep: Endpoint) =
        let render = Template.render (fun key -> ep.TemplateValues.TryFind key)

        { ep with
            Titles =
                {
                    Outage = render templates.IncidentOutage
                    Performance = render templates.IncidentPerformance
                    Operational = render templates.IncidentOperational
                }
        }
