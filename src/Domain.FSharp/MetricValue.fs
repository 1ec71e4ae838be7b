namespace CachetMonitor.Domain

open System
open System.Globalization

type MetricValue =
    | JsonNumber of path: JsonPath
    | CapturedNumber of pattern: RegexPattern * group: string

[<RequireQualifiedAccess>]
module MetricValue =
    [<Literal>]
    let GroupName = "value"

    let ofRegex (pattern: RegexPattern) =
        match RegexPattern.groups pattern with
        | groups when List.contains GroupName groups -> Ok(CapturedNumber(pattern, GroupName))
        | [ only ] -> Ok(CapturedNumber(pattern, only))
        | [] -> Error "it has no capture group; put the number in one, e.g. depth=([0-9.]+)"
        | groups ->
            Error
                $"it has %d{groups.Length} capture groups and none named %s{GroupName}; name the one that holds the number, e.g. (?<%s{GroupName}>[0-9.]+)"

    let describe source =
        match source with
        | JsonNumber path -> $"json: %s{JsonPath.render path}"
        | CapturedNumber(pattern, _) -> $"regex: %s{RegexPattern.source pattern}"

    let parseNumber (text: string) =
        match Double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, number when Double.IsFinite number -> Ok number
        | _ -> Error $"\"%s{Expectation.snippet text}\" is not a number"

    let read source body =
        match source with
        | JsonNumber path ->
            match JsonPath.tryFind path body with
            | Error(NotJson reason) -> Error $"the body is not JSON (%s{Expectation.snippet reason})"
            | Error(MissingPath "") -> Error $"the JSON body has no %s{JsonPath.render path}"
            | Error(MissingPath found) -> Error $"the JSON body has no %s{JsonPath.render path} (only %s{found})"
            | Ok text ->
                parseNumber text
                |> Result.mapError (fun why -> $"JSON %s{JsonPath.render path}: %s{why}")
        | CapturedNumber(pattern, group) ->
            match RegexPattern.tryCapture group body pattern with
            | Some(Some text) -> parseNumber text |> Result.mapError (fun why -> $"the regex captured %s{why}")
            | Some None -> Error "the regex did not match the body"
            | None ->
                Error $"the regex timed out on the body (over %d{int RegexPattern.matchTimeout.TotalMilliseconds} ms)"
