namespace CachetMonitor.Domain

open System.Globalization

[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Expectation =
    [<Literal>]
    let TimedOutMessage = "Request timed out"

    let unreachableMessage (request: string) = $"The URL is unreachable: {request}"

    let check (response: Response) (expectation: Expectation) : Failure option =
        let fail message =
            Some
                {
                    Severity = expectation.Severity
                    Message = message
                    LatencySeconds = Some response.LatencySeconds
                    ResponseStatus = Some response.StatusCode
                    CertificateDaysLeft = None
                }

        match expectation.Kind with
        | HttpStatus ranges ->
            if ranges |> List.exists (StatusRange.contains response.StatusCode) then
                None
            else
                fail $"Unexpected HTTP status ({response.StatusCode})"
        | Latency threshold ->
            if response.LatencySeconds <= threshold then
                None
            else
                let measured = response.LatencySeconds.ToString("F4", CultureInfo.InvariantCulture)
                fail $"Latency above threshold: {measured} seconds"
        | BodyRegex pattern ->
            match RegexPattern.tryIsMatch response.Body pattern with
            | Some true -> None
            | Some false -> fail "Regex did not match anything in the body"
            | None ->
                let limit = int RegexPattern.matchTimeout.TotalMilliseconds
                fail $"Regex timed out on the body (over {limit} ms)"

    let evaluate
        (onTimeout: Severity)
        (onUnreachable: Severity)
        (request: string)
        (expectations: Expectation list)
        (observation: Observation)
        : Verdict =
        match observation with
        | TimedOut ->
            Failed
                {
                    Severity = onTimeout
                    Message = TimedOutMessage
                    LatencySeconds = None
                    ResponseStatus = None
                    CertificateDaysLeft = None
                }
        | Unreachable _ ->
            Failed
                {
                    Severity = onUnreachable
                    Message = unreachableMessage request
                    LatencySeconds = None
                    ResponseStatus = None
                    CertificateDaysLeft = None
                }
        | Responded response ->
            let worse (current: Failure option) (next: Failure) =
                match current with
                | Some failure when Severity.rank failure.Severity >= Severity.rank next.Severity -> current
                | _ -> Some next

            let worst = expectations |> List.choose (check response) |> List.fold worse None

            match worst with
            | Some failure -> Failed failure
            | None -> Passed response.LatencySeconds
