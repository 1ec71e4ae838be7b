namespace CachetMonitor.Domain.ConfigReading

open System
open CachetMonitor.Domain

/// The `endpoints` list as a whole: the old single-endpoint layout, and the rules across endpoints (unique names,
/// placeholders every endpoint can fill).
[<AutoOpen>]
module internal EndpointListReader =
    /// The key of the single-endpoint layout of versions before 0.6 (`endpoint:` mapping, no `endpoints:`).
    [<Literal>]
    let SingleEndpointKey = "endpoint"

    /// The old layout's key node and mapping, when the config uses it.
    let singleEndpointLayout (top: Section) =
        match tryFind top "endpoints" with
        | Some _ -> None
        | None ->
            top.Entries
            |> Array.tryPick (fun entry ->
                match entry.Value with
                | YamlMapping _ when entry.Name = SingleEndpointKey -> Some(entry.Key, entry.Value)
                | _ -> None)

    /// Each endpoint's path and node: the `endpoints` items, or the old layout's one endpoint.
    let endpointNodes (top: Section) =
        match tryFind top "endpoints", singleEndpointLayout top with
        | Some(YamlSequence(items, _, _)), _ ->
            items |> List.ofArray |> List.mapi (fun i node -> index "endpoints" i, node)
        | _, Some(_, node) -> [ SingleEndpointKey, node ]
        | _ -> []

    /// The raw endpoint mappings, for the checks across endpoints.
    let endpointSections (top: Section) =
        endpointNodes top
        |> List.choose (fun (path, node) -> section path (Some ConfigSection.Endpoint) node)

    /// The `endpoints` list (or the old layout's one endpoint, which a warning asks to convert).
    let endpoints lookup (top: Section) =
        match singleEndpointLayout top with
        | Some(_, node) -> endpoint lookup SingleEndpointKey node |> Result.map List.singleton
        | None -> required top "endpoints" (listOf "endpoint" true (endpoint lookup))

    /// Each endpoint needs its own name: hot reload, the metrics' labels, the log categories and the shards tell
    /// endpoints apart by it. Every repeat is an error at its name, pointing at the first use.
    let uniqueNames lookup (endpoints: Section list) =
        let named =
            endpoints
            |> List.choose (fun ep ->
                match tryFind ep "name" with
                | Some node when not (isAbsent node) ->
                    scalar lookup (child ep.Path "name") node
                    |> Result.toOption
                    |> Option.map (fun value -> ep.Path, node, value)
                | _ -> None)

        named
        |> List.groupBy (fun (_, _, value) -> value.Text)
        |> List.collect (fun (_, uses) ->
            match uses with
            | (firstPath, firstNode, _) :: repeats ->
                let first = at firstNode

                repeats
                |> List.map (fun (path, node, value) ->
                    issue
                        (child path "name")
                        (at node)
                        $"%s{shown value} is already the name of %s{firstPath} (line %d{first.Line}, col %d{first.Column}); every endpoint needs its own name")
            | [] -> [])
        |> List.sortBy (fun found -> found.Position.Line, found.Position.Column)
        |> function
            | [] -> Ok()
            | issues -> Error issues
