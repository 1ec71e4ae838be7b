namespace CachetMonitor.Domain.ConfigReading

open System
open System.Collections.Generic
open System.Globalization
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// Walking the loaded YAML: key paths, issues at nodes, and mappings read as sections (merge keys expanded).
[<AutoOpen>]
module internal YamlDocument =
    let fail path (node: YamlNode) message : Validation<'a, ConfigIssue> = Error [ issue path (at node) message ]

    // Paths are made for every key read (10,000 endpoints: hundreds of thousands): concatenation, not the format
    // machinery of interpolated strings with format specifiers.
    let child path (key: string) =
        if String.IsNullOrEmpty path then
            key
        else
            String.Concat(path, ".", key)

    let index (path: string) (i: int) =
        String.Concat(path, "[", i.ToString(CultureInfo.InvariantCulture), "]")

    /// A mapping's entries in order, `<<` merge keys expanded (explicit keys win, then the first merged source
    /// that has the key). A mapping without a merge key gives its own entries, as loaded: nothing is copied.
    let rec entriesAt depth (node: YamlNode) : YamlEntry array =
        match node with
        | YamlMapping(own, false, _, _) -> own
        | YamlMapping(own, true, _, _) ->
            let merged =
                if depth >= MaxDepth then
                    [||]
                else
                    own
                    |> Array.filter (fun entry -> isMergeKey entry.Key)
                    |> Array.collect (fun entry ->
                        match entry.Value with
                        | YamlMapping _ as source -> entriesAt (depth + 1) source
                        | YamlSequence(sources, _, _) ->
                            sources
                            |> Array.collect (fun source ->
                                match source with
                                | YamlMapping _ -> entriesAt (depth + 1) source
                                | _ -> [||])
                        | _ -> [||])

            let explicit = own |> Array.filter (fun entry -> not (isMergeKey entry.Key))
            let names = HashSet<string>()

            for entry in explicit do
                names.Add entry.Name |> ignore

            // A merged name is taken once: explicit keys win, then the first source that has it.
            Array.append explicit (merged |> Array.filter (fun entry -> names.Add entry.Name))
        | _ -> [||]

    /// A mapping being read: its path, where it starts, its entries, which section of the key table it is (none
    /// for mappings of free names such as `header`) and the keys it knows.
    type Section =
        {
            Path: string
            Position: Position
            Entries: YamlEntry array
            Kind: ConfigSection option
            Known: string list
        }

    /// The node read as a mapping of the key table's `kind` (every key of the section known), if it is a mapping.
    let section path (kind: ConfigSection option) (node: YamlNode) =
        match node with
        | YamlMapping _ ->
            Some
                {
                    Path = path
                    Position = at node
                    Entries = entriesAt 0 node
                    Kind = kind
                    Known =
                        kind
                        |> Option.map (fun kind -> ConfigKeyTable.namesFor kind None)
                        |> Option.defaultValue []
                }
        | _ -> None

    /// The value of `key`, if the section has it.
    let tryFind section key =
        let entries = section.Entries
        let mutable i = 0

        while i < entries.Length && entries[i].Name <> key do
            i <- i + 1

        if i < entries.Length then Some(entries[i].Value) else None

    /// The key node of `key`, if the section has it.
    let tryFindKey section key =
        section.Entries
        |> Array.tryPick (fun entry -> if entry.Name = key then Some entry.Key else None)

    let unknownNames section =
        section.Entries
        |> Array.toList
        |> List.map (fun entry -> entry.Name)
        |> List.filter (fun name -> not (List.contains name section.Known))
