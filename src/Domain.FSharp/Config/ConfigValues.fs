namespace CachetMonitor.Domain.ConfigReading

open System
open System.Globalization
open FsToolkit.ErrorHandling
open System.Text.RegularExpressions
open CachetMonitor.Domain

/// Scalar values after `${VAR}` substitution and their interpretations; did-you-mean suggestions.
[<AutoOpen>]
module internal ConfigValues =
    // ---------------------------------------------------------------- did you mean

    let distance (a: string) (b: string) =
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
    let suggest (candidates: string list) (written: string) =
        if written.Length > 64 then
            None
        else
            candidates
            |> List.map (fun candidate -> candidate, distance candidate written)
            |> List.filter (fun (candidate, d) -> d <= max 1 (min candidate.Length written.Length / 3))
            |> List.sortBy snd
            |> List.tryHead
            |> Option.map fst

    let didYouMean candidates written =
        match suggest candidates written with
        | Some candidate -> $" (did you mean \"%s{candidate}\"?)"
        | None -> ""

    // ---------------------------------------------------------------- scalars

    /// A scalar value after `${VAR}` substitution.
    type Scalar = { Text: string; FromEnvironment: bool }

    /// The value as messages may show it: quoted, or masked when it came from the environment.
    let shown scalar =
        if scalar.FromEnvironment then
            Secret.Mask
        else
            $"\"%s{scalar.Text}\""

    /// `detail` for values written in the file; for values from the environment only the masked `generic`.
    let redacted scalar generic detail =
        if scalar.FromEnvironment then
            $"%s{Secret.Mask} %s{generic}"
        else
            $"%s{shown scalar}: %s{detail}"

    let scalar lookup path (node: YamlNode) : Validation<Scalar, ConfigIssue> =
        match node with
        | YamlScalar(text, _, _, _) ->
            match Interpolation.expand lookup text with
            | Ok expanded ->
                Ok
                    {
                        Text = expanded.Value
                        FromEnvironment = expanded.FromEnvironment
                    }
            | Error messages -> Error(messages |> List.map (issue path (at node)))
        | YamlSequence _ -> fail path node "must be a single value, not a list"
        | _ -> fail path node "must be a single value, not a mapping"

    /// Reads a scalar and interprets it; the interpretation's error is reported at the node.
    let readWith lookup (interpret: Scalar -> Result<'a, string>) path (node: YamlNode) =
        scalar lookup path node
        |> Result.bind (fun value ->
            interpret value
            |> Result.mapError (fun message -> [ issue path (at node) message ]))

    let readText lookup path node =
        readWith lookup (fun value -> Ok value.Text) path node

    let tryFloat (text: string) =
        match Double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, value when Double.IsFinite value -> Some value
        | _ -> None

    let tryInt (text: string) =
        match Int32.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, value -> Some value
        | _ -> None

    let seconds limit (value: Scalar) =
        match tryFloat value.Text with
        | Some number when number > 0.0 && number <= limit -> Ok number
        | Some number when number > limit -> Error $"%s{shown value} must be at most %g{limit} seconds"
        | _ -> Error $"%s{shown value} must be a positive number of seconds"

    let wholeNumber atLeast (value: Scalar) =
        match tryInt value.Text with
        | Some number when number >= atLeast -> Ok number
        | _ when atLeast = 1 -> Error $"%s{shown value} must be a positive whole number"
        | _ -> Error $"%s{shown value} must be a whole number, %d{atLeast} or more"

    /// A number of consecutive checks, from `atLeast` to `ConfigKeys.MaxCheckCount`.
    let checkCount atLeast (value: Scalar) =
        match tryInt value.Text with
        | Some number when number >= atLeast && number <= ConfigKeys.MaxCheckCount -> Ok number
        | _ -> Error $"%s{shown value} must be a whole number from %d{atLeast} to %d{ConfigKeys.MaxCheckCount}"

    let boolean (value: Scalar) =
        match value.Text.Trim().ToLowerInvariant() with
        | "true"
        | "yes"
        | "on" -> Ok true
        | "false"
        | "no"
        | "off" -> Ok false
        | _ -> Error $"%s{shown value} must be true or false"

    let severity (value: Scalar) =
        match Severity.tryParse value.Text with
        | Some parsed -> Ok parsed
        | None -> Error $"%s{shown value} is not a severity (PERFORMANCE, PARTIAL or MAJOR)"

    let latencyUnit (value: Scalar) =
        match LatencyUnit.tryParse value.Text with
        | Some unit -> Ok unit
        | None -> Error $"%s{shown value} is not a latency unit (ms, s, m, h, milliseconds, seconds, minutes or hours)"

    /// `unknown <what> "x" (did you mean "y"?); the <plural> are …`, without a suggestion for a hidden value.
    let unknownChoice what plural names (value: Scalar) =
        let hint =
            if value.FromEnvironment then
                ""
            else
                didYouMean names value.Text

        let listed = String.concat ", " names
        $"unknown %s{what} %s{shown value}%s{hint}; the %s{plural} are %s{listed}"

    let action (value: Scalar) =
        match MonitorAction.tryParse value.Text with
        | Some parsed -> Ok parsed
        | None ->
            let names =
                [ UpdateStatus; CreateIncident; PushMetrics ] |> List.map MonitorAction.name

            Error(unknownChoice "action" "actions" names value)

    let httpMethod (value: Scalar) =
        if Regex.IsMatch(value.Text, @"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") then
            Ok value.Text
        else
            Error $"%s{shown value} is not an HTTP method"

    let tryUri (text: string) =
        match Uri.TryCreate(text, UriKind.Absolute) with
        | true, uri ->
            match uri with
            | null -> None
            | uri -> Some uri
        | _ -> None

    let isHttp (uri: Uri) =
        uri.Scheme = Uri.UriSchemeHttp || uri.Scheme = Uri.UriSchemeHttps

    /// `http://` added only when there is no `://`; only absolute http and https URLs. Gives (as written, probed).
    let httpUrl (value: Scalar) =
        let raw = value.Text

        let normalised = if raw.Contains "://" then raw else "http://" + raw

        match tryUri normalised with
        | Some uri when not (isHttp uri) -> Error $"%s{shown value} must be an http:// or https:// URL"
        | Some uri when String.IsNullOrEmpty uri.Host -> Error $"%s{shown value} has no host"
        | Some _ -> Ok(raw, normalised)
        | None -> Error $"%s{shown value} is not a valid URL"

    let statusRange (value: Scalar) =
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

    let regex (value: Scalar) =
        RegexPattern.create value.Text
        |> Result.mapError (redacted value "is not a valid regular expression")

    /// One of `names` exactly (the `type` of an expectation or token provider).
    let oneOf names kindName (value: Scalar) =
        if List.contains value.Text names then
            Ok value.Text
        else
            Error(unknownChoice kindName "types" names value)
