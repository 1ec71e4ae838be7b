namespace CachetMonitor.Domain.ConfigReading

open System
open System.Collections.Generic
open System.Globalization
open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open YamlDotNet.Core
open YamlDotNet.Core.Events
open YamlDotNet.RepresentationModel
open CachetMonitor.Domain

/// Reading YAML with positions: the screened event stream, nodes, mappings with merge keys, issues at nodes.
[<AutoOpen>]
module internal YamlDocument =
    /// The deepest nesting of lists and mappings a config may have.
    [<Literal>]
    let MaxDepth = 64

    /// The most nodes a config may expand to, each use of an alias counting in full (guards alias bombs; a
    /// 20,000-endpoint config is about 560,000 nodes).
    [<Literal>]
    let MaxNodes = 1_000_000

    /// The path of issues about the document as a whole (syntax errors, a root that is not a mapping).
    [<Literal>]
    let DocumentPath = "(document)"

    // ---------------------------------------------------------------- positions, paths, issues

    let position (mark: Mark) =
        {
            Line = int (max 1L mark.Line)
            Column = int (max 1L mark.Column)
        }

    let at (node: YamlNode) = position node.Start

    let issue path pos message =
        {
            Path = path
            Position = pos
            Message = message
        }

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

    // ---------------------------------------------------------------- screening the event stream

    type Frame =
        {
            IsMapping: bool
            mutable ExpectKey: bool
            mutable Size: int
            Anchor: string option
        }

    /// Library messages may start with the position; the issue carries it already.
    let withoutMarks (message: string) =
        Regex.Replace(message, @"^\s*\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", "")

    let yamlIssue (e: YamlException) =
        issue DocumentPath (position e.Start) $"invalid YAML: %s{withoutMarks e.Message}"

    /// Runs a YamlDotNet read, turning the exceptions it reports malformed input with into an issue. Besides
    /// `YamlException`, its scanner throws `InvalidOperationException` for some unclosed collections and its parser
    /// `ArgumentException` for some malformed tags; `where` gives the last position read.
    let guarded (where: unit -> Position) (read: unit -> Result<'a, ConfigIssue>) =
        try
            read ()
        with
        | :? YamlException as e -> Error(yamlIssue e)
        | :? InvalidOperationException ->
            Error(issue DocumentPath (where ()) "invalid YAML after this point (an unclosed bracket, brace or quote?)")
        | :? ArgumentException as e ->
            let reason = Regex.Replace(e.Message, @"\s*\(Parameter '\w+'\)$", "")
            Error(issue DocumentPath (where ()) $"invalid YAML after this point: %s{reason}")

    /// The parser's events, screened on their way to the node model (one pass over the text): one document,
    /// nesting at most `MaxDepth`, at most `MaxNodes` nodes with aliases expanded, plain mapping keys, aliases
    /// only to finished anchors. At the first fault it ends the stream early and keeps the fault in `Problem`;
    /// the model never sees the offending event.
    type ScreeningParser(text: string) =
        let parser = Parser(new IO.StringReader(text))
        let frames = Stack<Frame>()
        let anchors = Dictionary<string, int>()
        let mutable problem: ConfigIssue option = None
        let mutable documents = 0
        let mutable last = position Mark.Empty

        let fault mark message =
            if problem.IsNone then
                problem <- Some(issue DocumentPath (position mark) message)

        let add mark size =
            if frames.Count > 0 then
                let parent = frames.Peek()
                parent.Size <- parent.Size + size

                if parent.Size > MaxNodes then
                    fault mark $"the document expands to more than %d{MaxNodes} values (counting every alias use)"

        let keyCheck plain mark =
            if frames.Count > 0 then
                let parent = frames.Peek()

                if parent.IsMapping then
                    if parent.ExpectKey && not plain then
                        fault mark "only plain values may be mapping keys"

                    parent.ExpectKey <- not parent.ExpectKey

        let open' (node: NodeEvent) isMapping =
            keyCheck false node.Start

            frames.Push
                {
                    IsMapping = isMapping
                    ExpectKey = true
                    Size = 1
                    Anchor = if node.Anchor.IsEmpty then None else Some node.Anchor.Value
                }

            if frames.Count > MaxDepth then
                fault node.Start $"lists and mappings are nested more than %d{MaxDepth} deep"

        let step (event: ParsingEvent) =
            last <- position event.Start

            match event with
            | :? DocumentStart ->
                documents <- documents + 1

                if documents > 1 then
                    fault event.Start "the config must be a single YAML document"
            | :? Scalar as scalar ->
                keyCheck true event.Start

                if not scalar.Anchor.IsEmpty then
                    anchors[scalar.Anchor.Value] <- 1

                add event.Start 1
            | :? AnchorAlias as alias ->
                keyCheck false event.Start
                let name = alias.Value.Value

                if frames |> Seq.exists (fun frame -> frame.Anchor = Some name) then
                    fault event.Start $"alias *%s{name} is used inside the value it names"
                else
                    match anchors.TryGetValue name with
                    | true, size -> add event.Start size
                    | _ -> fault event.Start $"alias *%s{name} names no anchor &%s{name} before it"
            | :? SequenceStart as start -> open' start false
            | :? MappingStart as start -> open' start true
            | :? SequenceEnd
            | :? MappingEnd ->
                let frame = frames.Pop()

                if frame.IsMapping && not frame.ExpectKey then
                    fault event.Start "invalid YAML: a mapping key has no value"

                frame.Anchor |> Option.iter (fun anchor -> anchors[anchor] <- frame.Size)
                add event.Start frame.Size
            | _ -> ()

        /// The first fault found, if any.
        member _.Problem = problem

        /// Where the last event read starts.
        member _.Last = last

        interface IParser with
            member _.Current = if problem.IsNone then parser.Current else null

            member _.MoveNext() =
                problem.IsNone
                && parser.MoveNext()
                && (match parser.Current with
                    | null -> ()
                    | event -> step event

                    problem.IsNone)

    /// The root node of the (single) document, if there is one.
    let load (text: string) : Result<YamlNode option, ConfigIssue> =
        let screening = ScreeningParser text

        let loaded =
            try
                guarded (fun () -> screening.Last) (fun () ->
                    let stream = YamlStream()
                    stream.Load screening

                    if stream.Documents.Count = 0 then
                        Ok None
                    else
                        Ok(Some stream.Documents[0].RootNode))
            with _ when screening.Problem.IsSome ->
                // The stream was cut short at a fault; whatever the model made of that is moot.
                Error screening.Problem.Value

        match screening.Problem with
        | Some problem -> Error problem
        | None -> loaded

    // ---------------------------------------------------------------- nodes

    let textOf (node: YamlNode) =
        match node with
        | :? YamlScalarNode as scalar ->
            match scalar.Value with
            | null -> ""
            | value -> value
        | _ -> ""

    /// A plain empty, `~` or `null` scalar: the key counts as absent.
    let isAbsent (node: YamlNode) =
        match node with
        | :? YamlScalarNode as scalar when scalar.Style = ScalarStyle.Plain ->
            match textOf node with
            | ""
            | "~"
            | "null"
            | "Null"
            | "NULL" -> true
            | _ -> false
        | _ -> false

    /// A mapping's entries in order as (key, key node, value node), `<<` merge keys expanded (explicit keys win).
    let rec entriesAt depth (mapping: YamlMappingNode) : (string * YamlNode * YamlNode) list =
        let own = [ for KeyValue(key, value) in mapping.Children -> textOf key, key, value ]

        let isMerge (name, key: YamlNode, _) =
            name = "<<"
            && (match key with
                | :? YamlScalarNode as scalar -> scalar.Style = ScalarStyle.Plain
                | _ -> false)

        // Most mappings have no merge key: their entries are their own, as written (no name set to build).
        if not (List.exists isMerge own) then
            own
        else
            let merged =
                if depth >= MaxDepth then
                    []
                else
                    own
                    |> List.filter isMerge
                    |> List.collect (fun (_, _, value) ->
                        match value with
                        | :? YamlMappingNode as source -> entriesAt (depth + 1) source
                        | :? YamlSequenceNode as sources ->
                            [
                                for source in sources.Children do
                                    match source with
                                    | :? YamlMappingNode as source -> yield! entriesAt (depth + 1) source
                                    | _ -> ()
                            ]
                        | _ -> [])

            let explicit = own |> List.filter (isMerge >> not)
            let names = explicit |> List.map (fun (name, _, _) -> name) |> Set.ofList

            explicit
            @ (merged
               |> List.filter (fun (name, _, _) -> not (names.Contains name))
               |> List.distinctBy (fun (name, _, _) -> name))

    /// A mapping being read: its path, where it starts, its entries, which section of the key table it is (none
    /// for mappings of free names such as `header`) and the keys it knows.
    type Section =
        {
            Path: string
            Position: Position
            Entries: (string * YamlNode * YamlNode) list
            Kind: ConfigSection option
            Known: string list
        }

    /// The node read as a mapping of the key table's `kind` (every key of the section known), if it is a mapping.
    let section path (kind: ConfigSection option) (node: YamlNode) =
        match node with
        | :? YamlMappingNode as mapping ->
            Some
                {
                    Path = path
                    Position = at node
                    Entries = entriesAt 0 mapping
                    Kind = kind
                    Known =
                        kind
                        |> Option.map (fun kind -> ConfigKeyTable.namesFor kind None)
                        |> Option.defaultValue []
                }
        | _ -> None

    let tryFind section key =
        section.Entries
        |> List.tryPick (fun (name, _, value) -> if name = key then Some value else None)

    let unknownNames section =
        section.Entries
        |> List.map (fun (name, _, _) -> name)
        |> List.filter (fun name -> not (List.contains name section.Known))
