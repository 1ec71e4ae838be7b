namespace CachetMonitor.Domain.ConfigReading

open System
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// An endpoint's `expectation` items, and the `value`/`regex` pair that JSON and DNS_ANSWER share.
[<AutoOpen>]
module internal ExpectationReader =
    /// A certificate threshold: a positive number of days.
    let days (value: Scalar) =
        match tryFloat value.Text with
        | Some number when number > 0.0 -> Ok number
        | _ -> Error $"%s{shown value} must be a positive number of days"

    let jsonPath (value: Scalar) =
        JsonPath.parse value.Text
        |> Result.mapError (redacted value "is not a JSON path")

    /// Exactly one of two keys of a section, each read by its own reader.
    let eitherKey (section: Section) first readFirst second readSecond =
        match optional section first readFirst, optional section second readSecond with
        | Ok(Some a), Ok None -> Ok(Choice1Of2 a)
        | Ok None, Ok(Some b) -> Ok(Choice2Of2 b)
        | Ok(Some _), Ok(Some _) ->
            fail
                (child section.Path second)
                (Option.get (tryFind section second))
                $"cannot go with %s{first}: give one of them"
        | Ok None, Ok None ->
            Error
                [
                    issue (child section.Path first) section.Position $"is required (or %s{second})"
                ]
        | Error a, Error b -> Error(a @ b)
        | Error e, _
        | _, Error e -> Error e

    /// `value` or `regex` (exactly one), as JSON and DNS_ANSWER take them.
    let textMatch lookup (ex: Section) =
        eitherKey ex "value" (readText lookup) "regex" (readWith lookup regex)
        |> Result.map (fun found ->
            match found with
            | Choice1Of2 value -> Equals value
            | Choice2Of2 pattern -> Matches pattern)

    let expectation lookup path node =
        node
        |> mapping
            (Some ConfigSection.Expectation)
            "with a type"
            (fun ex ->
                let kind =
                    required ex "type" (readWith lookup (oneOf ConfigKeys.ExpectationTypes "expectation type"))
                    |> Result.bind (fun kind ->
                        match kind with
                        | "HTTP_STATUS" ->
                            required ex "status_range" (fun path node ->
                                match node with
                                | YamlSequence _ ->
                                    listOf "status or range" true (readWith lookup statusRange) path node
                                | _ -> readWith lookup statusRange path node |> Result.map List.singleton)
                            |> Result.map (fun ranges -> HttpStatus ranges, Partial)
                        | "LATENCY" ->
                            required ex "threshold" (readWith lookup (seconds Double.MaxValue))
                            |> Result.map (fun threshold -> Latency threshold, Performance)
                        | "CERTIFICATE_EXPIRATION" ->
                            required ex "threshold" (readWith lookup days)
                            |> Result.map (fun days -> CertificateExpiration days, Performance)
                        | "JSON" ->
                            validation {
                                let! path = required ex "path" (readWith lookup jsonPath)
                                and! expected = textMatch lookup ex
                                return JsonValue(path, expected), Partial
                            }
                        | "DNS_ANSWER" ->
                            textMatch lookup ex |> Result.map (fun expected -> DnsAnswer expected, Partial)
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
