namespace CachetMonitor.Domain.ConfigReading

open CachetMonitor.Domain

/// Templates read from the config: `{key}` placeholders, optionally limited to some names.
[<AutoOpen>]
module internal TemplateReader =
    /// A template from a scalar; `allowed` limits the placeholders when given.
    let template lookup (allowed: string list option) path node =
        node
        |> readWith
            lookup
            (fun value ->
                Template.parse value.Text
                |> Result.mapError (fun e -> $"is not a valid template: %s{e}")
                |> Result.bind (fun parsed ->
                    match allowed with
                    | None -> Ok parsed
                    | Some names ->
                        match
                            Template.placeholders parsed
                            |> List.filter (fun p -> not (List.contains p names))
                        with
                        | [] -> Ok parsed
                        | bad ->
                            let listed = bad |> List.map (fun p -> $"{{%s{p}}}") |> String.concat ", "
                            Error $"placeholder %s{listed} is not allowed here (only {{title}} and {{message}})"))
            path
