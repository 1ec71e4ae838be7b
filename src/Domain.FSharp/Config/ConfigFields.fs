namespace CachetMonitor.Domain.ConfigReading

open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// Required, optional and defaulted keys of a section; lists and nested mappings.
[<AutoOpen>]
module internal ConfigFields =
    let missing section key =
        let hint =
            match
                unknownNames section
                |> List.filter (fun name -> suggest [ key ] name |> Option.isSome)
            with
            | found :: _ -> $" (found \"%s{found}\": a misspelling?)"
            | [] -> ""

        Error [ issue (child section.Path key) section.Position $"is required%s{hint}" ]

    /// The table's row for a key the readers read (the table is the only place keys are described).
    let private spec (section: Section) key =
        section.Kind
        |> Option.bind (fun kind -> ConfigKeyTable.tryFind kind key)
        |> Option.defaultWith (fun () ->
            // Unreachable: every reader reads rows of the table; any parse would fail here first.
            // (No %A: reflection printing throws in the native executable.)
            invalidOp $"config key %s{key} at %s{section.Path} is not in the key table")

    /// The value of a required key, read by `read`.
    let required section key (read: string -> YamlNode -> Validation<'a, ConfigIssue>) =
        match tryFind section key with
        | Some node when isAbsent node -> fail (child section.Path key) node "is required (it is empty)"
        | Some node -> read (child section.Path key) node
        | None -> missing section key

    /// The value of an optional key; `null` counts as absent.
    let optional section key (read: string -> YamlNode -> Validation<'a, ConfigIssue>) =
        match tryFind section key with
        | Some node when not (isAbsent node) -> read (child section.Path key) node |> Result.map Some
        | _ -> Ok None

    /// A default written as YAML text, as a node the key's reader reads (at line 1, column 1; a scalar is not
    /// marked plain, so a default is never read as absent).
    let private defaultNode (text: string) : YamlNode =
        match text with
        | "[]" -> YamlSequence([||], 1, 1)
        | "{}" -> YamlMapping([||], false, 1, 1)
        | quoted when quoted.Length >= 2 && quoted.StartsWith "\"" && quoted.EndsWith "\"" ->
            YamlScalar(quoted.Substring(1, quoted.Length - 2), false, 1, 1)
        | text -> YamlScalar(text, false, 1, 1)

    /// The value of a key as the table describes it: required, or read from the table's default when absent.
    let value section key (read: string -> YamlNode -> Validation<'a, ConfigIssue>) =
        let row = spec section key

        match row.Required, row.Default with
        | true, _ -> required section key read
        | false, Some fallback ->
            optional section key read
            |> Result.bind (fun found ->
                match found with
                | Some value -> Ok value
                | None -> read (child section.Path key) (defaultNode fallback))
        | false, None -> invalidOp $"config key %s{key} has no default in the key table"

    /// A list read item by item (`what` names one item); `nonEmpty` rejects `[]`.
    let listOf what nonEmpty (item: string -> YamlNode -> Validation<'a, ConfigIssue>) path (node: YamlNode) =
        match node with
        | YamlSequence(items, _, _) when nonEmpty && items.Length = 0 ->
            fail path node $"must list at least one %s{what}"
        | YamlSequence(items, _, _) ->
            items
            |> List.ofArray
            |> List.mapi (fun i element -> i, element)
            |> List.traverseValidationA (fun (i, element) -> item (index path i) element)
        | _ -> fail path node $"must be a list of %s{what}s"

    /// A mapping read as a section of the key table (`None`: of free names), or an error naming what it should hold.
    let mapping kind what (read: Section -> Validation<'a, ConfigIssue>) path (node: YamlNode) =
        match section path kind node with
        | Some found -> read found
        | None -> fail path node $"must be a mapping %s{what}"
