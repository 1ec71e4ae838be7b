namespace CachetMonitor.Domain

open System
open System.Collections.Generic

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
    // Hashed, not `Map`s: a `Map` keyed by a union or a tuple compares keys through F#'s generic comparison,
    // which was most of the cost of these look-ups. Built once and never changed.
    let private bySection = all |> List.groupBy (fun k -> k.Section) |> readOnlyDict

    let private allNames =
        bySection
        |> Seq.map (fun (KeyValue(section, keys)) -> section, keys |> List.map (fun k -> k.Name))
        |> readOnlyDict

    let private byName =
        bySection
        |> Seq.map (fun (KeyValue(section, keys)) ->
            let names = Dictionary<string, ConfigKey>(StringComparer.Ordinal)

            for k in keys do
                // The first row of a name wins.
                names.TryAdd(k.Name, k) |> ignore

            section, names :> IReadOnlyDictionary<_, _>)
        |> readOnlyDict

    let private lookUp (table: IReadOnlyDictionary<'k, 'v>) key =
        match table.TryGetValue key with
        | true, found -> Some found
        | _ -> None

    /// The keys of a section.
    let inSection section =
        lookUp bySection section |> Option.defaultValue []

    /// The key names a section knows; for a section with `type`s, those of `kind` (every key when `kind` is unknown).
    let namesFor section (kind: string option) =
        match kind with
        | None -> lookUp allNames section |> Option.defaultValue []
        | Some kind ->
            inSection section
            |> List.filter (fun k -> k.AppliesTo.IsEmpty || List.contains kind k.AppliesTo)
            |> List.map (fun k -> k.Name)

    /// The key `name` of `section`, if the table has it.
    let tryFind section name =
        lookUp byName section |> Option.bind (fun names -> lookUp names name)
