namespace CachetMonitor.Domain

open System.Globalization

/// Judging one observation of an endpoint against its expectations.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Expectation =
    /// The message of a check that got no answer in time.
    [<Literal>]
    let TimedOutMessage = "Request timed out"

    /// The message of a check that could not connect, the original's sentence: `The URL is unreachable: GET
    /// http://host/path` (`request` is the method as written and the probed URL, separated by a space). The
    /// transport error is for the log, not for the incident the public reads.
    let unreachableMessage (request: string) = $"The URL is unreachable: {request}"

    /// Checks one expectation against a response: `None` when it passes, else why it failed (carrying the
    /// response's latency).
    let check (response: Response) (expectation: Expectation) : Failure option =
        let fail message =
            Some
                {
                    Severity = expectation.Severity
                    Message = message
                    LatencySeconds = Some response.LatencySeconds
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

    /// Evaluates an observation: a time-out fails with `onTimeout`, a connection failure with `onUnreachable`
    /// (message naming `request`, the method as written and the probed URL, e.g. `GET http://host/path`), and a
    /// response is checked against every expectation in config order. The worst failure wins; on a tie the
    /// first failing expectation in config order gives the message. All passing gives `Passed` with the latency.
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
                }
        | Unreachable _ ->
            Failed
                {
                    Severity = onUnreachable
                    Message = unreachableMessage request
                    LatencySeconds = None
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
