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

    /// The keys of a section.
    let inSection section =
        all |> List.filter (fun k -> k.Section = section)

    /// The key names a section knows; for a section with `type`s, those of `kind` (every key when `kind` is unknown).
    let namesFor section (kind: string option) =
        inSection section
        |> List.filter (fun k ->
            match kind with
            | Some kind -> k.AppliesTo.IsEmpty || List.contains kind k.AppliesTo
            | None -> true)
        |> List.map (fun k -> k.Name)

    /// The key `name` of `section`, if the table has it.
    let tryFind section name =
        all |> List.tryFind (fun k -> k.Section = section && k.Name = name)
