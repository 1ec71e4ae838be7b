namespace CachetMonitor.Domain

open System
open System.Collections.Generic
open System.Globalization
open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open YamlDotNet.Core
open YamlDotNet.Core.Events
open YamlDotNet.RepresentationModel

/// Reading and validating the YAML config: every error at once, each with its path and position.
[<RequireQualifiedAccess>]
module ConfigParser =
    /// The deepest nesting of lists and mappings a config may have.
    [<Literal>]
    let MaxDepth = 64

    /// The most nodes a config may expand to, each use of an alias counting in full (guards alias bombs; a
    /// 20,000-endpoint config is about 560,000 nodes).
    [<Literal>]
    let MaxNodes = 1_000_000

    /// The longest `timeout`, in seconds (one day).
    [<Literal>]
    let MaxTimeoutSeconds = 86_400.0

    /// The longest `frequency`, in seconds (one week).
    [<Literal>]
    let MaxFrequencySeconds = 604_800.0

    /// The default `cachet.resync_interval`, in seconds (five minutes).
    [<Literal>]
    let DefaultResyncSeconds = 300.0

    /// The longest `cachet.resync_interval`, in seconds (one day).
    [<Literal>]
    let MaxResyncSeconds = 86_400.0

    /// The largest `allowed_fails` and `success_threshold`: far beyond any real use (at one check a second,
    /// eleven days), and small enough that counting up to it (`allowed_fails + 1`) cannot overflow.
    [<Literal>]
    let MaxCheckCount = 1_000_000

    /// The path of issues about the document as a whole (syntax errors, a root that is not a mapping).
    [<Literal>]
    let DocumentPath = "(document)"

    // ---------------------------------------------------------------- positions, paths, issues

    let private position (mark: Mark) =
        {
            Line = int (max 1L mark.Line)
            Column = int (max 1L mark.Column)
        }

    let private at (node: YamlNode) = position node.Start

    let private issue path pos message =
        {
            Path = path
            Position = pos
            Message = message
        }

    let private fail path (node: YamlNode) message : Validation<'a, ConfigIssue> =
        Error [ issue path (at node) message ]

    let private child path key =
        if String.IsNullOrEmpty path then
            key
        else
            $"%s{path}.%s{key}"

    let private index path (i: int) = $"%s{path}[%d{i}]"

    // ---------------------------------------------------------------- did you mean

    let private distance (a: string) (b: string) =
        let a = a.ToLowerInvariant()
        let b = b.ToLowerInvariant()
        let mutable previous = Array.init (b.Length + 1) id

        for i in 1 .. a.Length do
            let current = Array.zeroCreate (b.Length + 1)
            current[0] <- i

            for j in 1 .. b.Length do
                let cost = if a[i - 1] = b[j - 1] then 0 else 1
                current[j] <- min (min (current[j - 1] + 1) (previous[j] + 1)) (previous[j - 1] + cost)

            previous <- current

        previous[b.Length]

    /// The closest candidate, when it is close enough to be a likely misspelling.
    let private suggest (candidates: string list) (written: string) =
        if written.Length > 64 then
            None
        else
            candidates
            |> List.map (fun candidate -> candidate, distance candidate written)
            |> List.filter (fun (candidate, d) -> d <= max 1 (min candidate.Length written.Length / 3))
            |> List.sortBy snd
            |> List.tryHead
            |> Option.map fst

    let private didYouMean candidates written =
        match suggest candidates written with
        | Some candidate -> $" (did you mean \"%s{candidate}\"?)"
        | None -> ""

    // ---------------------------------------------------------------- screening the event stream

    type private Frame =
        {
            IsMapping: bool
            mutable ExpectKey: bool
            mutable Size: int
            Anchor: string option
        }

    /// Library messages may start with the position; the issue carries it already.
    let private withoutMarks (message: string) =
        Regex.Replace(message, @"^\s*\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", "")

    let private yamlIssue (e: YamlException) =
        issue DocumentPath (position e.Start) $"invalid YAML: %s{withoutMarks e.Message}"

    /// Runs a YamlDotNet read, turning the exceptions it reports malformed input with into an issue. Besides
    /// `YamlException`, its scanner throws `InvalidOperationException` for some unclosed collections and its parser
    /// `ArgumentException` for some malformed tags; `where` gives the last position read.
    let private guarded (where: unit -> Position) (read: unit -> Result<'a, ConfigIssue>) =
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
    type private ScreeningParser(text: string) =
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
    let private load (text: string) : Result<YamlNode option, ConfigIssue> =
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

    let private textOf (node: YamlNode) =
        match node with
        | :? YamlScalarNode as scalar ->
            match scalar.Value with
            | null -> ""
            | value -> value
        | _ -> ""

    /// A plain empty, `~` or `null` scalar: the key counts as absent.
    let private isAbsent (node: YamlNode) =
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
    let rec private entriesAt depth (mapping: YamlMappingNode) : (string * YamlNode * YamlNode) list =
        let own = [ for KeyValue(key, value) in mapping.Children -> textOf key, key, value ]

        let isMerge (name, key: YamlNode, _) =
            name = "<<"
            && (match key with
                | :? YamlScalarNode as scalar -> scalar.Style = ScalarStyle.Plain
                | _ -> false)

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

    /// A mapping being read: its path, where it starts, its entries and the keys it knows.
    type private Section =
        {
            Path: string
            Position: Position
            Entries: (string * YamlNode * YamlNode) list
            Known: string list
        }

    let private section path known (node: YamlNode) =
        match node with
        | :? YamlMappingNode as mapping ->
            Some
                {
                    Path = path
                    Position = at node
                    Entries = entriesAt 0 mapping
                    Known = known
                }
        | _ -> None

    let private tryFind section key =
        section.Entries
        |> List.tryPick (fun (name, _, value) -> if name = key then Some value else None)

    let private unknownNames section =
        section.Entries
        |> List.map (fun (name, _, _) -> name)
        |> List.filter (fun name -> not (List.contains name section.Known))

    // ---------------------------------------------------------------- scalars

    /// A scalar value after `${VAR}` substitution.
    type private Scalar = { Text: string; FromEnvironment: bool }

    /// The value as messages may show it: quoted, or masked when it came from the environment.
    let private shown scalar =
        if scalar.FromEnvironment then
            Secret.Mask
        else
            $"\"%s{scalar.Text}\""

    /// `detail` for values written in the file; for values from the environment only the masked `generic`.
    let private redacted scalar generic detail =
        if scalar.FromEnvironment then
            $"%s{Secret.Mask} %s{generic}"
        else
            $"%s{shown scalar}: %s{detail}"

    let private scalar lookup path (node: YamlNode) : Validation<Scalar, ConfigIssue> =
        match node with
        | :? YamlScalarNode ->
            match Interpolation.expand lookup (textOf node) with
            | Ok expanded ->
                Ok
                    {
                        Text = expanded.Value
                        FromEnvironment = expanded.FromEnvironment
                    }
            | Error messages -> Error(messages |> List.map (issue path (at node)))
        | :? YamlSequenceNode -> fail path node "must be a single value, not a list"
        | _ -> fail path node "must be a single value, not a mapping"

    /// Reads a scalar and interprets it; the interpretation's error is reported at the node.
    let private readWith lookup (interpret: Scalar -> Result<'a, string>) path (node: YamlNode) =
        scalar lookup path node
        |> Result.bind (fun value ->
            interpret value
            |> Result.mapError (fun message -> [ issue path (at node) message ]))

    let private readText lookup path node =
        readWith lookup (fun value -> Ok value.Text) path node

    let private tryFloat (text: string) =
        match Double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, value when Double.IsFinite value -> Some value
        | _ -> None

    let private tryInt (text: string) =
        match Int32.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, value -> Some value
        | _ -> None

    let private seconds limit (value: Scalar) =
        match tryFloat value.Text with
        | Some number when number > 0.0 && number <= limit -> Ok number
        | Some number when number > limit -> Error $"%s{shown value} must be at most %g{limit} seconds"
        | _ -> Error $"%s{shown value} must be a positive number of seconds"

    let private wholeNumber atLeast (value: Scalar) =
        match tryInt value.Text with
        | Some number when number >= atLeast -> Ok number
        | _ when atLeast = 1 -> Error $"%s{shown value} must be a positive whole number"
        | _ -> Error $"%s{shown value} must be a whole number, %d{atLeast} or more"

    /// A number of consecutive checks, from `atLeast` to `MaxCheckCount`.
    let private checkCount atLeast (value: Scalar) =
        match tryInt value.Text with
        | Some number when number >= atLeast && number <= MaxCheckCount -> Ok number
        | _ -> Error $"%s{shown value} must be a whole number from %d{atLeast} to %d{MaxCheckCount}"

    let private boolean (value: Scalar) =
        match value.Text.Trim().ToLowerInvariant() with
        | "true"
        | "yes"
        | "on" -> Ok true
        | "false"
        | "no"
        | "off" -> Ok false
        | _ -> Error $"%s{shown value} must be true or false"

    let private severity (value: Scalar) =
        match Severity.tryParse value.Text with
        | Some parsed -> Ok parsed
        | None -> Error $"%s{shown value} is not a severity (PERFORMANCE, PARTIAL or MAJOR)"

    let private latencyUnit (value: Scalar) =
        match LatencyUnit.tryParse value.Text with
        | Some unit -> Ok unit
        | None -> Error $"%s{shown value} is not a latency unit (ms, s, m, h, milliseconds, seconds, minutes or hours)"

    /// `unknown <what> "x" (did you mean "y"?); the <plural> are …`, without a suggestion for a hidden value.
    let private unknownChoice what plural names (value: Scalar) =
        let hint =
            if value.FromEnvironment then
                ""
            else
                didYouMean names value.Text

        let listed = String.concat ", " names
        $"unknown %s{what} %s{shown value}%s{hint}; the %s{plural} are %s{listed}"

    let private action (value: Scalar) =
        match MonitorAction.tryParse value.Text with
        | Some parsed -> Ok parsed
        | None ->
            let names =
                [ UpdateStatus; CreateIncident; PushMetrics ] |> List.map MonitorAction.name

            Error(unknownChoice "action" "actions" names value)

    let private httpMethod (value: Scalar) =
        if Regex.IsMatch(value.Text, @"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") then
            Ok value.Text
        else
            Error $"%s{shown value} is not an HTTP method"

    let private tryUri (text: string) =
        match Uri.TryCreate(text, UriKind.Absolute) with
        | true, uri ->
            match uri with
            | null -> None
            | uri -> Some uri
        | _ -> None

    let private isHttp (uri: Uri) =
        uri.Scheme = Uri.UriSchemeHttp || uri.Scheme = Uri.UriSchemeHttps

    /// `http://` added only when there is no `://`; only absolute http and https URLs. Gives (as written, probed).
    let private httpUrl (value: Scalar) =
        let raw = value.Text

        let normalised = if raw.Contains "://" then raw else "http://" + raw

        match tryUri normalised with
        | Some uri when not (isHttp uri) -> Error $"%s{shown value} must be an http:// or https:// URL"
        | Some uri when String.IsNullOrEmpty uri.Host -> Error $"%s{shown value} has no host"
        | Some _ -> Ok(raw, normalised)
        | None -> Error $"%s{shown value} is not a valid URL"

    let private statusRange (value: Scalar) =
        let code (part: string) =
            match Int32.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture) with
            | true, number -> Some number
            | _ -> None

        let notRange = $"%s{shown value} is not a status or range"

        match value.Text.Split '-' with
        | [| single |] ->
            match code single with
            | Some number ->
                StatusRange.single number
                |> Result.mapError (redacted value "is not a status code")
            | None -> Error notRange
        | [| low; high |] ->
            match code low, code high with
            | Some low, Some high ->
                StatusRange.create low high
                |> Result.mapError (redacted value "is not a valid status range")
            | _ -> Error notRange
        | _ -> Error $"%s{shown value} has more than two parts (write LOW-HIGH, the upper bound exclusive)"

    let private regex (value: Scalar) =
        RegexPattern.create value.Text
        |> Result.mapError (redacted value "is not a valid regular expression")

    // ---------------------------------------------------------------- keys

    let private missing section key =
        let hint =
            match
                unknownNames section
                |> List.filter (fun name -> suggest [ key ] name |> Option.isSome)
            with
            | found :: _ -> $" (found \"%s{found}\": a misspelling?)"
            | [] -> ""

        Error [ issue (child section.Path key) section.Position $"is required%s{hint}" ]

    /// The value of a required key, read by `read`.
    let private required section key (read: string -> YamlNode -> Validation<'a, ConfigIssue>) =
        match tryFind section key with
        | Some node when isAbsent node -> fail (child section.Path key) node "is required (it is empty)"
        | Some node -> read (child section.Path key) node
        | None -> missing section key

    /// The value of an optional key; `null` counts as absent.
    let private optional section key (read: string -> YamlNode -> Validation<'a, ConfigIssue>) =
        match tryFind section key with
        | Some node when not (isAbsent node) -> read (child section.Path key) node |> Result.map Some
        | _ -> Ok None

    /// The value of an optional key, or `fallback`.
    let private orDefault section key fallback read =
        optional section key read |> Result.map (Option.defaultValue fallback)

    /// A list read item by item (`what` names one item); `nonEmpty` rejects `[]`.
    let private listOf what nonEmpty (item: string -> YamlNode -> Validation<'a, ConfigIssue>) path (node: YamlNode) =
        match node with
        | :? YamlSequenceNode as sequence when nonEmpty && sequence.Children.Count = 0 ->
            fail path node $"must list at least one %s{what}"
        | :? YamlSequenceNode as sequence ->
            sequence.Children
            |> Seq.toList
            |> List.mapi (fun i element -> i, element)
            |> List.traverseValidationA (fun (i, element) -> item (index path i) element)
        | _ -> fail path node $"must be a list of %s{what}s"

    /// A mapping read as a section, or an error naming what it should hold.
    let private mapping known what (read: Section -> Validation<'a, ConfigIssue>) path (node: YamlNode) =
        match section path known node with
        | Some found -> read found
        | None -> fail path node $"must be a mapping %s{what}"

    // ---------------------------------------------------------------- schema

    let private rootKeys = [ "endpoints"; "cachet"; "webhooks"; "messages" ]

    let private endpointKeys =
        [
            "name"
            "url"
            "method"
            "header"
            "timeout"
            "expectation"
            "allowed_fails"
            "success_threshold"
            "component_id"
            "metric_id"
            "latency_unit"
            "action"
            "public_incidents"
            "frequency"
            "insecure"
            "body"
            "on_timeout"
            "on_unreachable"
        ]

    let private expectationTypes = [ "HTTP_STATUS"; "LATENCY"; "REGEX" ]

    /// The keys an expectation of a type knows.
    let private expectationKeys kind =
        match kind with
        | "HTTP_STATUS" -> [ "type"; "incident"; "status_range" ]
        | "LATENCY" -> [ "type"; "incident"; "threshold" ]
        | "REGEX" -> [ "type"; "incident"; "regex" ]
        | _ -> [ "type"; "incident"; "status_range"; "threshold"; "regex" ]

    let private cachetKeys = [ "api_url"; "token"; "resync_interval" ]

    let private providerTypes =
        [ "ENVIRONMENT_VARIABLE"; "TOKEN"; "AWS_SECRETS_MANAGER" ]

    /// The keys a token provider of a type knows.
    let private providerKeys kind =
        match kind with
        | "ENVIRONMENT_VARIABLE"
        | "TOKEN" -> [ "type"; "value" ]
        | "AWS_SECRETS_MANAGER" -> [ "type"; "secret_name"; "secret_key"; "region" ]
        | _ -> [ "type"; "value"; "secret_name"; "secret_key"; "region" ]

    let private webhookKeys = [ "url"; "params"; "json" ]

    let private messageKeys =
        [ "incident_outage"; "incident_performance"; "incident_operational" ]

    /// The README's misspelling of `incident_performance`, accepted with a warning.
    let private misspeltPerformance = "incident_performace"

    let private oneOf names kindName (value: Scalar) =
        if List.contains value.Text names then
            Ok value.Text
        else
            Error(unknownChoice kindName "types" names value)

    // ---------------------------------------------------------------- endpoints

    let private expectation lookup path node =
        node
        |> mapping
            (expectationKeys "")
            "with a type"
            (fun ex ->
                let kind =
                    required ex "type" (readWith lookup (oneOf expectationTypes "expectation type"))
                    |> Result.bind (fun kind ->
                        match kind with
                        | "HTTP_STATUS" ->
                            required ex "status_range" (fun path node ->
                                match node with
                                | :? YamlSequenceNode ->
                                    listOf "status or range" true (readWith lookup statusRange) path node
                                | _ -> readWith lookup statusRange path node |> Result.map List.singleton)
                            |> Result.map (fun ranges -> HttpStatus ranges, Partial)
                        | "LATENCY" ->
                            required ex "threshold" (readWith lookup (seconds Double.MaxValue))
                            |> Result.map (fun threshold -> Latency threshold, Performance)
                        | _ ->
                            required ex "regex" (readWith lookup regex)
                            |> Result.map (fun pattern -> BodyRegex pattern, Partial))

                validation {
                    let! kind, fallback = kind
                    and! incident = optional ex "incident" (readWith lookup severity)

                    return
                        {
                            Kind = kind
                            Severity = incident |> Option.defaultValue fallback
                        }
                })
            path

    let private headerName path (keyNode: YamlNode) (name: string) =
        if Regex.IsMatch(name, @"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") then
            Ok name
        else
            fail path keyNode $"\"%s{name}\" is not a valid header name"

    let private headerValue (value: Scalar) =
        if value.Text.IndexOfAny [| '\r'; '\n'; '\000' |] >= 0 then
            Error $"%s{shown value} contains a line break, which a header value cannot"
        else
            Ok value.Text

    let private headers lookup path node =
        node
        |> mapping
            []
            "of header names to values"
            (fun found ->
                found.Entries
                |> List.traverseValidationA (fun (name, keyNode, value) ->
                    let path = child path name

                    validation {
                        let! name = headerName path keyNode name

                        and! value =
                            if isAbsent value then
                                Ok ""
                            else
                                readWith lookup headerValue path value

                        return name, value
                    }))
            path

    /// `timeout`: required; `0` or `null` mean 1 second (a warning says so).
    let private timeout lookup section =
        let path = child section.Path "timeout"

        match tryFind section "timeout" with
        | Some node when isAbsent node -> Ok 1.0
        | Some node ->
            node
            |> readWith
                lookup
                (fun value ->
                    match tryFloat value.Text with
                    | Some 0.0 -> Ok 1.0
                    | _ -> seconds MaxTimeoutSeconds value)
                path
        | None -> missing section "timeout"

    /// The endpoint's scalar keys as written (after `${VAR}` substitution), for `{placeholder}` rendering.
    let private templateValues lookup section =
        section.Entries
        |> List.choose (fun (name, _, value) ->
            match value with
            | :? YamlScalarNode ->
                let text =
                    match Interpolation.expand lookup (textOf value) with
                    | Ok expanded -> expanded.Value
                    | Error _ -> textOf value

                Some(name, text)
            | _ -> None)
        |> Map.ofList

    let private noTitles =
        {
            Outage = ""
            Performance = ""
            Operational = ""
        }

    let private endpoint lookup path node =
        node
        |> mapping
            endpointKeys
            "of endpoint settings"
            (fun ep ->
                validation {
                    let! name = required ep "name" (readText lookup)
                    and! rawUrl, url = required ep "url" (readWith lookup httpUrl)
                    and! httpMethod = required ep "method" (readWith lookup httpMethod)
                    and! headers = orDefault ep "header" [] (headers lookup)
                    and! body = optional ep "body" (readText lookup)
                    and! timeout = timeout lookup ep
                    and! insecure = orDefault ep "insecure" false (readWith lookup boolean)

                    and! expectations =
                        required ep "expectation" (listOf "expectation" true (expectation lookup))

                    and! allowedFails = orDefault ep "allowed_fails" 0 (readWith lookup (checkCount 0))

                    and! successThreshold =
                        orDefault ep "success_threshold" 1 (readWith lookup (checkCount 1))

                    and! componentId = required ep "component_id" (readWith lookup (wholeNumber 1))
                    and! metricId = optional ep "metric_id" (readWith lookup (wholeNumber 1))
                    and! latencyUnit = orDefault ep "latency_unit" Seconds (readWith lookup latencyUnit)

                    and! actions =
                        orDefault ep "action" [] (listOf "action" false (readWith lookup action))

                    and! publicIncidents = orDefault ep "public_incidents" true (readWith lookup boolean)

                    and! frequency =
                        required ep "frequency" (readWith lookup (seconds MaxFrequencySeconds))

                    and! onTimeout = orDefault ep "on_timeout" Performance (readWith lookup severity)
                    and! onUnreachable = orDefault ep "on_unreachable" Partial (readWith lookup severity)

                    return
                        {
                            Name = name
                            RawUrl = rawUrl
                            Url = url
                            Method = httpMethod
                            Headers = headers
                            Body = body
                            TimeoutSeconds = timeout
                            Insecure = insecure
                            Expectations = expectations
                            AllowedFails = allowedFails
                            SuccessThreshold = successThreshold
                            ComponentId = componentId
                            MetricId = metricId
                            LatencyUnit = latencyUnit
                            Actions = Set.ofList actions
                            PublicIncidents = publicIncidents
                            FrequencySeconds = frequency
                            OnTimeout = onTimeout
                            OnUnreachable = onUnreachable
                            Titles = noTitles
                            TemplateValues = templateValues lookup ep
                        }
                })
            path

    // ---------------------------------------------------------------- cachet

    let private provider lookup path node =
        node
        |> mapping
            (providerKeys "")
            "with a type"
            (fun p ->
                required p "type" (readWith lookup (oneOf providerTypes "token provider type"))
                |> Result.bind (fun kind ->
                    match kind with
                    | "ENVIRONMENT_VARIABLE" ->
                        required
                            p
                            "value"
                            (readWith lookup (fun value ->
                                if String.IsNullOrWhiteSpace value.Text then
                                    Error "must name an environment variable"
                                else
                                    Ok(EnvironmentVariable(value.Text.Trim()))))
                    | "TOKEN" ->
                        required p "value" (readText lookup)
                        |> Result.map (Secret.create >> LiteralToken)
                    | _ ->
                        validation {
                            let! secretName = required p "secret_name" (readText lookup)
                            and! secretKey = required p "secret_key" (readText lookup)
                            and! region = required p "region" (readText lookup)
                            return AwsSecretsManager(secretName, secretKey, region)
                        }))
            path

    let private tokenSource lookup path (node: YamlNode) =
        match node with
        | :? YamlSequenceNode -> listOf "token provider" true (provider lookup) path node |> Result.map Providers
        | :? YamlMappingNode -> provider lookup path node |> Result.map (List.singleton >> Providers)
        | _ -> readText lookup path node |> Result.map (Secret.create >> PlainToken)

    let private cachet lookup path node =
        node
        |> mapping
            cachetKeys
            "with api_url and token"
            (fun c ->
                validation {
                    let! apiUrl = required c "api_url" (readWith lookup httpUrl)
                    and! token = required c "token" (tokenSource lookup)

                    and! resync =
                        orDefault c "resync_interval" DefaultResyncSeconds (readWith lookup (seconds MaxResyncSeconds))

                    return
                        {
                            ApiUrl = (snd apiUrl).TrimEnd '/'
                            Token = token
                            ResyncSeconds = resync
                        }
                })
            path

    // ---------------------------------------------------------------- templates

    /// A template from a scalar; `allowed` limits the placeholders when given.
    let private template lookup (allowed: string list option) path node =
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

    let private webhookPlaceholders = Some [ "title"; "message" ]

    let private webhookUrl lookup path node =
        template lookup webhookPlaceholders path node
        |> Result.bind (fun parsed ->
            let sample = Template.render (fun _ -> Some "x") parsed

            match tryUri sample with
            | Some uri when isHttp uri -> Ok parsed
            | _ -> fail path node "must be an http:// or https:// URL")

    let private webhookParams lookup path node =
        node
        |> mapping
            []
            "of parameter names to values"
            (fun found ->
                found.Entries
                |> List.filter (fun (_, _, value) -> not (isAbsent value))
                |> List.traverseValidationA (fun (name, _, value) ->
                    template lookup webhookPlaceholders (child path name) value
                    |> Result.map (fun parsed -> name, parsed)))
            path

    let private webhook lookup path node =
        node
        |> mapping
            webhookKeys
            "with a url"
            (fun w ->
                validation {
                    let! url = required w "url" (webhookUrl lookup)
                    and! parameters = orDefault w "params" [] (webhookParams lookup)
                    and! json = orDefault w "json" false (readWith lookup boolean)

                    return
                        {
                            Url = url
                            Params = parameters
                            Json = json
                        }
                })
            path

    /// A message key's template and where it was written (nothing for a default); the README's misspelling
    /// stands in for `incident_performance`.
    let private messageTemplate lookup (messages: Section option) key fallback =
        let written =
            messages
            |> Option.bind (fun m ->
                match tryFind m key with
                | Some node when not (isAbsent node) -> Some(child m.Path key, node)
                | _ when key = "incident_performance" ->
                    tryFind m misspeltPerformance
                    |> Option.filter (isAbsent >> not)
                    |> Option.map (fun node -> child m.Path misspeltPerformance, node)
                | _ -> None)

        match written with
        | Some(path, node) -> template lookup None path node |> Result.map (fun parsed -> written, parsed)
        | None ->
            Template.parse fallback
            |> Result.map (fun parsed -> None, parsed)
            |> Result.mapError (fun e -> [ issue (child "messages" key) { Line = 1; Column = 1 } e ])

    /// The three message templates, and each with where it was written.
    let private messageTemplates lookup (messages: Section option) =
        validation {
            let! outage =
                messageTemplate lookup messages "incident_outage" "{name} is unavailable"

            and! performance =
                messageTemplate lookup messages "incident_performance" "{name} has degraded performance"

            and! operational =
                messageTemplate lookup messages "incident_operational" "{name} is operational"

            return
                {
                    IncidentOutage = snd outage
                    IncidentPerformance = snd performance
                    IncidentOperational = snd operational
                },
                [ outage; performance; operational ]
        }

    let private messagesSection (top: Section) =
        tryFind top "messages"
        |> Option.filter (isAbsent >> not)
        |> Option.map (fun node -> node, section "messages" messageKeys node)

    /// The raw endpoint mappings, by index, for placeholder checks.
    let private endpointSections (top: Section) =
        match tryFind top "endpoints" with
        | Some(:? YamlSequenceNode as sequence) ->
            sequence.Children
            |> Seq.toList
            |> List.mapi (fun i node -> section (index "endpoints" i) endpointKeys node)
            |> List.choose id
        | _ -> []

    /// Every placeholder of a written message must be a scalar key of every endpoint.
    let private checkPlaceholders lookup (endpoints: Section list) written =
        let keys = endpoints |> List.map (fun ep -> ep.Path, templateValues lookup ep)

        written
        |> List.collect (fun (at', parsed) ->
            match at' with
            | None -> []
            | Some(path, node) ->
                Template.placeholders parsed
                |> List.choose (fun placeholder ->
                    let lacking =
                        keys
                        |> List.filter (fun (_, values: Map<string, string>) -> not (values.ContainsKey placeholder))
                        |> List.map fst

                    match lacking with
                    | [] -> None
                    | [ one ] -> Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of %s{one}")
                    | many when many.Length = endpoints.Length ->
                        Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of any endpoint")
                    | many ->
                        let listed = String.Join(", ", many)
                        Some(issue path (at node) $"placeholder {{%s{placeholder}}} is not a key of %s{listed}")))
        |> function
            | [] -> Ok()
            | issues -> Error issues

    /// Each endpoint needs its own name: hot reload, the metrics' labels, the log categories and the shards tell
    /// endpoints apart by it. Every repeat is an error at its name, pointing at the first use.
    let private uniqueNames lookup (endpoints: Section list) =
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

    let private withTitles (templates: MessageTemplates) (ep: Endpoint) =
        let render = Template.render (fun key -> ep.TemplateValues.TryFind key)

        { ep with
            Titles =
                {
                    Outage = render templates.IncidentOutage
                    Performance = render templates.IncidentPerformance
                    Operational = render templates.IncidentOperational
                }
        }

    // ---------------------------------------------------------------- the whole config

    let private emptyRoot =
        {
            Path = ""
            Position = { Line = 1; Column = 1 }
            Entries = []
            Known = rootKeys
        }

    let private config lookup (top: Section) : Validation<Config, ConfigIssue> =
        let messages =
            match messagesSection top with
            | Some(node, None) -> fail "messages" node "must be a mapping of message keys to templates"
            | Some(_, Some found) -> messageTemplates lookup (Some found)
            | None -> messageTemplates lookup None

        let sections = endpointSections top

        let placeholders =
            match messages with
            | Ok(_, written) -> checkPlaceholders lookup sections written
            | Error _ -> Ok()

        validation {
            let! endpoints = required top "endpoints" (listOf "endpoint" true (endpoint lookup))
            and! () = uniqueNames lookup sections
            and! cachet = required top "cachet" (cachet lookup)
            and! webhooks = orDefault top "webhooks" [] (listOf "webhook" false (webhook lookup))
            and! templates, _ = messages
            and! () = placeholders

            return
                {
                    Endpoints = endpoints |> List.map (withTitles templates)
                    Cachet = cachet
                    Webhooks = webhooks
                    Messages = templates
                }
        }

    // ---------------------------------------------------------------- warnings

    let private unknownKeys (extra: Set<string>) section =
        section.Entries
        |> List.filter (fun (name, _, _) ->
            name <> "<<"
            && not (List.contains name section.Known)
            && not (extra.Contains name))
        |> List.map (fun (name, keyNode, _) ->
            let message =
                match suggest section.Known name with
                | Some candidate -> $"unknown key \"%s{name}\" (did you mean \"%s{candidate}\"?)"
                | None -> $"unknown key \"%s{name}\" (ignored)"

            issue (child section.Path name) (at keyNode) message)

    let private items (node: YamlNode option) =
        match node with
        | Some(:? YamlSequenceNode as sequence) -> sequence.Children |> Seq.toList |> List.indexed
        | _ -> []

    /// The section's `type`, when it is one of `types`.
    let private knownType lookup types section =
        tryFind section "type"
        |> Option.bind (fun node ->
            match scalar lookup section.Path node with
            | Ok value when List.contains value.Text types -> Some value.Text
            | _ -> None)

    let private expectationWarnings lookup path node =
        match section path (expectationKeys "") node with
        | None -> []
        | Some ex ->
            let kind = knownType lookup expectationTypes ex

            match kind with
            | None -> unknownKeys Set.empty ex
            | Some kind ->
                let known = expectationKeys kind

                let others =
                    expectationKeys "" |> List.filter (fun key -> not (List.contains key known))

                [
                    for name, keyNode, _ in ex.Entries do
                        if List.contains name others then
                            yield
                                issue
                                    (child path name)
                                    (at keyNode)
                                    $"\"%s{name}\" does not apply to a %s{kind} expectation (ignored)"
                ]
                @ unknownKeys (Set.ofList others) { ex with Known = known }

    let private endpointWarnings lookup (placeholders: Set<string>) path node =
        match section path endpointKeys node with
        | None -> []
        | Some ep ->
            let timeout =
                match tryFind ep "timeout" with
                | Some node when isAbsent node ->
                    [
                        issue (child path "timeout") (at node) "is empty; using 1 second, as the original did"
                    ]
                | Some node ->
                    match scalar lookup path node with
                    | Ok value when tryFloat value.Text = Some 0.0 ->
                        [
                            issue (child path "timeout") (at node) "is 0; using 1 second, as the original did"
                        ]
                    | _ -> []
                | None -> []

            let pushWithoutMetric =
                match tryFind ep "metric_id" |> Option.filter (isAbsent >> not) with
                | Some _ -> []
                | None ->
                    items (tryFind ep "action")
                    |> List.filter (fun (_, item) -> textOf item = MonitorAction.name PushMetrics)
                    |> List.map (fun (i, item) ->
                        issue (index (child path "action") i) (at item) "PUSH_METRICS does nothing without a metric_id")

            unknownKeys placeholders ep
            @ timeout
            @ pushWithoutMetric
            @ (items (tryFind ep "expectation")
               |> List.collect (fun (i, item) -> expectationWarnings lookup (index (child path "expectation") i) item))

    let private providerWarnings lookup path node =
        match section path (providerKeys "") node with
        | None -> []
        | Some p ->
            let kind = knownType lookup providerTypes p |> Option.defaultValue ""

            unknownKeys Set.empty { p with Known = providerKeys kind }

    let private cachetWarnings lookup node =
        match section "cachet" cachetKeys node with
        | None -> []
        | Some c ->
            let tokenPath = child "cachet" "token"

            let providers =
                match tryFind c "token" with
                | Some(:? YamlMappingNode as single) -> providerWarnings lookup tokenPath single
                | token ->
                    items token
                    |> List.collect (fun (i, item) -> providerWarnings lookup (index tokenPath i) item)

            unknownKeys Set.empty c @ providers

    let private messageWarnings (messages: Section) =
        let misspelt =
            match tryFind messages misspeltPerformance with
            | None -> []
            | Some _ ->
                let keyNode =
                    messages.Entries
                    |> List.pick (fun (name, keyNode, _) -> if name = misspeltPerformance then Some keyNode else None)

                let message =
                    match tryFind messages "incident_performance" with
                    | Some _ -> "is a misspelling of \"incident_performance\", which is also set; ignored"
                    | None -> "is read as \"incident_performance\" (the original README's misspelling)"

                [ issue (child messages.Path misspeltPerformance) (at keyNode) message ]

        unknownKeys (Set.singleton misspeltPerformance) messages @ misspelt

    /// Every warning: unknown keys (with suggestions), misspellings accepted, values replaced by defaults.
    let private warnings lookup (top: Section) =
        let placeholders =
            match messagesSection top with
            | Some(_, Some messages) ->
                messageTemplates lookup (Some messages)
                |> Result.map (snd >> List.collect (snd >> Template.placeholders))
                |> Result.defaultValue []
                |> Set.ofList
            | _ -> Set.empty

        unknownKeys Set.empty top
        @ (items (tryFind top "endpoints")
           |> List.collect (fun (i, item) -> endpointWarnings lookup placeholders (index "endpoints" i) item))
        @ (tryFind top "cachet"
           |> Option.map (cachetWarnings lookup)
           |> Option.defaultValue [])
        @ (items (tryFind top "webhooks")
           |> List.collect (fun (i, item) ->
               section (index "webhooks" i) webhookKeys item
               |> Option.map (unknownKeys Set.empty)
               |> Option.defaultValue []))
        @ (match messagesSection top with
           | Some(_, Some messages) -> messageWarnings messages
           | _ -> [])

    /// Issues in reading order; issues at one place (keys missing from one mapping) by path.
    let private byPosition (issues: ConfigIssue list) =
        issues |> List.sortBy (fun i -> i.Position.Line, i.Position.Column, i.Path)

    /// Parses and validates a config. `lookup` resolves `${VAR}`/`$VAR` in every string value (it is not
    /// consulted for `CACHET_API_URL`/`CACHET_TOKEN`; those overrides are the host's). Never throws: YAML syntax
    /// errors, alias bombs and absurd nesting come back as issues. Errors and warnings are sorted by position.
    let parse (lookup: string -> string option) (text: string) : Validation<ParsedConfig, ConfigIssue> =
        match load text with
        | Error problem -> Error [ problem ]
        | Ok root ->
            let top =
                match root with
                | None -> Ok emptyRoot
                | Some node when isAbsent node -> Ok { emptyRoot with Position = at node }
                | Some node ->
                    match section "" rootKeys node with
                    | Some found -> Ok found
                    | None -> fail DocumentPath node "the config must be a mapping with endpoints and cachet"

            top
            |> Result.bind (fun top ->
                config lookup top
                |> Result.map (fun valid ->
                    {
                        Config = valid
                        Warnings = warnings lookup top |> byPosition
                    }))
            |> Result.mapError byPosition
