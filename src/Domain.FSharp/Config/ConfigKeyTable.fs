namespace CachetMonitor.Domain

/// The table of every config key: the only place a key is described. The parser reads it (known keys, required
/// keys, defaults), and the reference docs and the JSON Schema are made from it. Its rows live one file per section
/// (`Config/Keys/`).
[<RequireQualifiedAccess>]
module ConfigKeyTable =
    /// Every key, section by section, in the order the reference lists them.
    let all: ConfigKey list =
        List.concat
            [
                RootKeys.rows
                CachetKeys.rows
                EndpointKeys.rows
                ExpectationKeys.rows
                WebhookKeys.rows
                MessageKeys.rows
                QuietTimeKeys.rows
                MetricValueKeys.rows
            ]

    // The parser asks for a section's rows once per mapping it reads (10,000 endpoints: 10,000 times) and for
    // one row per key it reads: both are indexed once here instead of filtering the whole table each time.
    let private bySection = all |> List.groupBy (fun k -> k.Section) |> Map.ofList

    let private allNames =
        bySection |> Map.map (fun _ keys -> keys |> List.map (fun k -> k.Name))

    let private byName =
        all
        |> List.map (fun k -> (k.Section, k.Name), k)
        |> List.distinctBy fst
        |> Map.ofList

    /// The keys of a section.
    let inSection section =
        bySection |> Map.tryFind section |> Option.defaultValue []

    /// The key names a section knows; for a section with `type`s, those of `kind` (every key when `kind` is unknown).
    let namesFor section (kind: string option) =
        match kind with
        | None -> allNames |> Map.tryFind section |> Option.defaultValue []
        | Some kind ->
            inSection section
            |> List.filter (fun k -> k.AppliesTo.IsEmpty || List.contains kind k.AppliesTo)
            |> List.map (fun k -> k.Name)

    /// The key `name` of `section`, if the table has it.
    let tryFind section name = byName |> Map.tryFind (section, name)
