namespace CachetMonitor.Domain

open FsToolkit.ErrorHandling
open CachetMonitor.Domain.ConfigReading

type ConfigOutcome =
    {
        Parsed: Validation<ParsedConfig, ConfigIssue>
        Warnings: ConfigIssue list
    }

[<RequireQualifiedAccess>]
module ConfigParser =
    [<Literal>]
    let MaxDepth = YamlLoading.MaxDepth

    [<Literal>]
    let MaxCheckCount = ConfigKeys.MaxCheckCount

    [<Literal>]
    let DocumentPath = YamlLoading.DocumentPath

    let private emptyRoot =
        {
            Path = ""
            Position = { Line = 1; Column = 1 }
            Entries = [||]
            Kind = Some ConfigSection.Root
            Known = ConfigKeyTable.namesFor ConfigSection.Root None
        }

    let private config
        timeZones
        lookup
        environment
        (top: Section)
        (sections: Section list)
        : Validation<Config, ConfigIssue> =
        let messages =
            match messagesSection top with
            | Some(node, None) -> fail "messages" node "must be a mapping of message keys to templates"
            | Some(_, Some found) -> messageTemplates lookup (Some found)
            | None -> messageTemplates lookup None

        let own =
            sections
            |> List.traverseValidationA (fun ep -> endpointMessages lookup ep |> Result.map (fun own -> ep, own))

        let placeholders =
            match messages, own with
            | Ok(_, written), Ok own -> checkPlaceholders lookup own written
            | _ -> Ok()

        validation {
            let! endpoints = endpoints lookup top
            and! () = uniqueNames lookup sections
            and! cachet = required top "cachet" (cachet lookup environment)
            and! webhooks = value top "webhooks" (listOf "webhook" false (webhook lookup))
            and! templates, _ = messages
            and! own = own
            and! () = placeholders

            and! maintenance =
                value
                    top
                    "maintenance"
                    (listOf "window" false (window timeZones lookup (endpointNames lookup sections)))

            and! connectivity = optional top "connectivity" (connectivity lookup)

            // By index into an array: `List.tryItem` in the `mapi` below walked the list for every endpoint.
            let own = own |> List.map snd |> List.toArray

            let ownAt i = if i < own.Length then own[i] else []

            return
                {
                    Endpoints = endpoints |> List.mapi (fun i ep -> withMessages templates (ownAt i) ep)
                    Cachet = cachet
                    Webhooks = webhooks
                    Messages = templates
                    Maintenance = maintenance
                    Connectivity = connectivity
                }
        }

    /// The files a valid config names, where they are written (the host reads them at load).
    let private files (top: Section) (sections: Section list) (config: Config) =
        let cachet =
            tryFind top "cachet"
            |> Option.bind (section "cachet" (Some ConfigSection.Cachet))
            |> Option.map (fun c -> namedFiles c config.Cachet.Tls)
            |> Option.defaultValue []

        let sections = sections |> List.toArray

        let endpoints =
            config.Endpoints
            |> List.mapi (fun i endpoint ->
                if i < sections.Length then
                    namedFiles sections[i] endpoint.Request.Tls
                else
                    [])
            |> List.concat

        cachet @ endpoints

    /// Issues in reading order; issues at one place (keys missing from one mapping) by path.
    let private byPosition (issues: ConfigIssue list) =
        issues |> List.sortBy (fun i -> i.Position.Line, i.Position.Column, i.Path)

    let read
        (timeZones: string -> System.TimeZoneInfo option)
        (environment: string -> string option)
        (lookup: string -> string option)
        (text: string)
        : ConfigOutcome =
        match load text with
        | Error problem ->
            {
                Parsed = Error [ problem ]
                Warnings = []
            }
        | Ok root ->
            let top =
                match root with
                | None -> Ok emptyRoot
                | Some node when isAbsent node -> Ok { emptyRoot with Position = at node }
                | Some node ->
                    match section "" (Some ConfigSection.Root) node with
                    | Some found -> Ok found
                    | None -> fail DocumentPath node "the config must be a mapping with endpoints and cachet"

            match top with
            | Error issues -> { Parsed = Error issues; Warnings = [] }
            | Ok top ->
                // The config before the warnings: `lookup` sees the variables in the order the config uses them.
                // The endpoint mappings, read once for the checks across endpoints and the files they name.
                let sections = endpointSections top
                let parsed = config timeZones lookup environment top sections
                let warnings = warnings lookup top |> byPosition

                {
                    Parsed =
                        parsed
                        |> Result.map (fun valid ->
                            {
                                Config = valid
                                Warnings = warnings
                                Files = files top sections valid
                            })
                        |> Result.mapError byPosition
                    Warnings = warnings
                }

    /// Parses and validates a config without the environment overrides (see `read`); a config with errors
    /// gives only its errors here (`read` gives its warnings too).
    let parse
        (timeZones: string -> System.TimeZoneInfo option)
        (lookup: string -> string option)
        (text: string)
        : Validation<ParsedConfig, ConfigIssue> =
        (read timeZones (fun _ -> None) lookup text).Parsed
