namespace CachetMonitor.Domain.ConfigReading

open System
open System.Collections.Generic
open System.Text.RegularExpressions
open YamlDotNet.Core
open YamlDotNet.Core.Events
open CachetMonitor.Domain

/// Reading a config's text into `YamlNode`s: YamlDotNet's parser events, screened and turned into nodes in one
/// pass (no YamlDotNet node model: it cost about half of `validate`, and its garbage most of the rest).
[<AutoOpen>]
module internal YamlLoading =
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

    /// A mark's 1-based line and column (YamlDotNet's empty mark is line 0).
    let inline lineAndColumn (mark: Mark) =
        struct (int (max 1L mark.Line), int (max 1L mark.Column))

    let position (mark: Mark) =
        let struct (line, column) = lineAndColumn mark
        { Line = line; Column = column }

    let issue path pos message =
        {
            Path = path
            Position = pos
            Message = message
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

    /// Mappings with more keys than this look repeats up in a set.
    [<Literal>]
    let private SearchedKeys = 16

    /// Screens the parser's events and builds the nodes: one document, nesting at most `MaxDepth`, at most
    /// `MaxNodes` nodes with aliases expanded, scalar mapping keys, aliases only to finished anchors, no key
    /// repeated in a mapping. It stops at the first fault, before building the offending event.
    type NodeReader(text: string) =
        let parser = Parser(new IO.StringReader(text))
        let frames = List<Frame>()
        let mutable depth = 0
        let anchors = Dictionary<string, struct (YamlNode * int)>()
        let mutable problem: ConfigIssue option = None
        let mutable documents = 0
        let mutable root: YamlNode option = None
        let mutable last = Mark.Empty
        // A mapping whose value was just finished: its key is checked for a repeat after the next event is read,
        // where YamlDotNet's node model checked it (so a syntax error or fault in that event wins, as it did).
        let mutable pending: Frame = null

        let fault mark message =
            if problem.IsNone then
                problem <- Some(issue DocumentPath (position mark) message)

        let top () = frames[depth - 1]

        let add mark size =
            if depth > 0 then
                let parent = top ()
                parent.Size <- parent.Size + size

                if parent.Size > MaxNodes then
                    fault mark $"the document expands to more than %d{MaxNodes} values (counting every alias use)"

        let keyCheck scalar mark =
            if depth > 0 then
                let parent = top ()

                if parent.IsMapping then
                    if parent.ExpectKey && not scalar then
                        fault mark "only plain values may be mapping keys"

                    parent.ExpectKey <- not parent.ExpectKey

        let isOpen name =
            let mutable found = false

            for i in 0 .. depth - 1 do
                if frames[i].Anchor = name then
                    found <- true

            found

        /// Whether the mapping's last key repeats an earlier one (same tag and text, as YamlDotNet compared keys).
        let repeated (mapping: Frame) =
            let keys = mapping.KeyTags.Count
            let key = struct (mapping.KeyTags[keys - 1], textOf mapping.Children[2 * keys - 2])

            if keys <= SearchedKeys then
                let struct (tag, text) = key
                let mutable found = false

                for i in 0 .. keys - 2 do
                    if mapping.KeyTags[i] = tag && textOf mapping.Children[2 * i] = text then
                        found <- true

                found
            else
                if not mapping.Indexed then
                    mapping.Indexed <- true

                    for i in 0 .. keys - 2 do
                        mapping.Seen.Add(struct (mapping.KeyTags[i], textOf mapping.Children[2 * i]))
                        |> ignore

                not (mapping.Seen.Add key)

        let checkPending () =
            if not (isNull pending) then
                let mapping = pending
                pending <- null

                if repeated mapping then
                    let key = mapping.Children[mapping.Children.Count - 2]
                    // YamlDotNet's message and position (the repeated key), as the readers and tests know them.
                    problem <- Some(issue DocumentPath (at key) $"invalid YAML: Duplicate key %s{textOf key}")

        /// A finished node takes its place: the document's root, a list item, or a mapping's key or value.
        let place (node: YamlNode) (tag: string) =
            if depth = 0 then
                if root.IsNone then
                    root <- Some node
            else
                let parent = top ()
                parent.Children.Add node

                if parent.IsMapping then
                    if parent.Children.Count % 2 = 1 then
                        parent.KeyTags.Add tag
                    else
                        pending <- parent

        let open' (node: NodeEvent) isMapping =
            keyCheck false node.Start

            if depth = frames.Count then
                frames.Add(Frame())

            frames[depth].Open(isMapping, (if node.Anchor.IsEmpty then "" else node.Anchor.Value), node.Start)
            depth <- depth + 1

            if depth > MaxDepth then
                fault node.Start $"lists and mappings are nested more than %d{MaxDepth} deep"

        let close (mark: Mark) =
            let frame = top ()
            depth <- depth - 1

            if frame.IsMapping && not frame.ExpectKey then
                fault mark "invalid YAML: a mapping key has no value"

            add mark frame.Size
            frame

        let build (frame: Frame) =
            let struct (line, column) = lineAndColumn frame.Start
            let children = frame.Children

            let node =
                if frame.IsMapping then
                    let entries =
                        Array.init (children.Count / 2) (fun i ->
                            let key = children[2 * i]

                            {
                                Name = textOf key
                                Key = key
                                Value = children[2 * i + 1]
                            })

                    let hasMerge = entries |> Array.exists (fun entry -> isMergeKey entry.Key)
                    YamlMapping(entries, hasMerge, line, column)
                else
                    YamlSequence(children.ToArray(), line, column)

            if frame.Anchor <> "" then
                anchors[frame.Anchor] <- struct (node, frame.Size)

            place node ""

        let scalarNode (scalar: Scalar) =
            let struct (line, column) = lineAndColumn scalar.Start

            let node = YamlScalar(scalar.Value, scalar.Style = ScalarStyle.Plain, line, column)

            if not scalar.Anchor.IsEmpty then
                anchors[scalar.Anchor.Value] <- struct (node, 1)

            place node (if scalar.Tag.IsEmpty then "" else scalar.Tag.Value)

        /// The event's fault checks; then the repeat check it completes; then the node it finishes, if any.
        let step (event: ParsingEvent) =
            last <- event.Start
            let mutable closed: Frame = null
            let mutable aliased: YamlNode option = None

            match event with
            | :? DocumentStart ->
                documents <- documents + 1

                if documents > 1 then
                    fault event.Start "the config must be a single YAML document"
            | :? Scalar ->
                keyCheck true event.Start
                add event.Start 1
            | :? AnchorAlias as alias ->
                keyCheck false event.Start
                let name = alias.Value.Value

                if isOpen name then
                    fault event.Start $"alias *%s{name} is used inside the value it names"
                else
                    match anchors.TryGetValue name with
                    | true, struct (node, size) ->
                        add event.Start size
                        aliased <- Some node
                    | _ -> fault event.Start $"alias *%s{name} names no anchor &%s{name} before it"
            | :? SequenceStart as start -> open' start false
            | :? MappingStart as start -> open' start true
            | :? SequenceEnd
            | :? MappingEnd -> closed <- close event.Start
            | _ -> ()

            if problem.IsNone then
                checkPending ()

            if problem.IsNone then
                match event with
                | :? Scalar as scalar -> scalarNode scalar
                | _ when not (isNull closed) -> build closed
                | _ -> aliased |> Option.iter (fun node -> place node "")

        /// Reads the whole text: the root node of its (single) document, if there is one.
        member _.Read() : Result<YamlNode option, ConfigIssue> =
            guarded (fun () -> position last) (fun () ->
                while problem.IsNone && parser.MoveNext() do
                    match parser.Current with
                    | null -> ()
                    | event -> step event

                match problem with
                | Some found -> Error found
                | None -> Ok root)

    /// The root node of the (single) document, if there is one.
    let load (text: string) : Result<YamlNode option, ConfigIssue> = NodeReader(text).Read()
