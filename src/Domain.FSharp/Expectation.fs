namespace CachetMonitor.Domain

open System
open System.Globalization

[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Expectation =
    [<Literal>]
    let TimedOutMessage = "Request timed out"

    let unreachableMessage (request: string) = $"The URL is unreachable: {request}"

    // Text from the server for a message on the status page: one line, at most 80 characters.
    let snippet (text: string) =
        let line = String.map (fun c -> if Char.IsControl c then ' ' else c) text
        let line = line.Trim()

        if line.Length > 80 then
            line.Substring(0, 77) + "..."
        else
            line

    let private sameName (record: DnsRecord) (value: string) =
        if record.Type = "TXT" then
            record.Data = value
        else
            String.Equals(record.Data.TrimEnd '.', value.Trim().TrimEnd '.', StringComparison.OrdinalIgnoreCase)

    let private dnsFailure (dns: DnsResult) =
        $"DNS lookup of {dns.Name} failed: {dns.ResponseCode}"

    let private isAnswer (dns: DnsResult) = dns.ResponseCode = "NOERROR"

    let check (response: Response) (expectation: Expectation) : Failure option =
        let fail message =
            Some
                {
                    Severity = expectation.Severity
                    Message = message
                    LatencySeconds = Some response.LatencySeconds
                    ResponseStatus = response.StatusCode
                    CertificateDaysLeft =
                        response.Certificate
                        |> Option.map (fun certificate -> int (floor (Certificate.daysLeft certificate)))
                }

        match expectation.Kind with
        | HttpStatus ranges ->
            match response.StatusCode with
            | Some code when ranges |> List.exists (StatusRange.contains code) -> None
            | Some code -> fail $"Unexpected HTTP status ({code})"
            | None -> fail "No HTTP status (the check is not an HTTP request)"
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
        | CertificateExpiration days ->
            match response.Certificate with
            | None -> fail "No TLS certificate was presented"
            | Some certificate ->
                let left = Certificate.daysLeft certificate

                if left > days then
                    None
                else
                    let date =
                        certificate.NotAfter
                            .ToUniversalTime()
                            .ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)

                    if left <= 0.0 then
                        fail $"Certificate {certificate.Subject} expired on {date}"
                    else
                        let whole = int (floor left)
                        let threshold = days.ToString("0.##", CultureInfo.InvariantCulture)

                        fail
                            $"Certificate {certificate.Subject} expires on {date}, in {whole} day(s) (threshold {threshold})"
        | JsonValue(path, expected) ->
            match JsonPath.tryFind path response.Body with
            | Error(NotJson reason) -> fail $"The body is not JSON ({snippet reason})"
            | Error(MissingPath "") -> fail $"The JSON body has no {JsonPath.render path}"
            | Error(MissingPath found) -> fail $"The JSON body has no {JsonPath.render path} (only {found})"
            | Ok text ->
                match expected with
                | Equals value when text = value -> None
                | Equals value -> fail $"JSON {JsonPath.render path} is \"{snippet text}\", expected \"{value}\""
                | Matches pattern ->
                    match RegexPattern.tryIsMatch text pattern with
                    | Some true -> None
                    | _ -> fail $"JSON {JsonPath.render path} (\"{snippet text}\") did not match the regex"
        | DnsAnswer expected ->
            match response.Dns with
            | None -> fail "No DNS answer"
            | Some dns when not (isAnswer dns) -> fail (dnsFailure dns)
            | Some dns ->
                let matches (record: DnsRecord) =
                    match expected with
                    | Equals value -> sameName record value
                    | Matches pattern -> RegexPattern.tryIsMatch record.Data pattern = Some true

                if dns.Records |> List.exists matches then
                    None
                else
                    let got =
                        match dns.Records with
                        | [] -> "no records"
                        | records -> records |> List.map _.Data |> String.concat ", " |> snippet

                    fail $"DNS answer for {dns.Name} did not match: {got}"
        | Banner pattern ->
            match RegexPattern.tryIsMatch response.Body pattern with
            | Some true -> None
            | _ -> fail $"The server's first bytes did not match expect (got \"{snippet response.Body}\")"

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
        | Responded { Dns = Some dns } when
            not (isAnswer dns)
            && not (
                expectations
                |> List.exists (fun e ->
                    match e.Kind with
                    | DnsAnswer _ -> true
                    | _ -> false)
            )
            ->
            // Without a DNS_ANSWER expectation a failed lookup still fails, as a connection failure does.
            Failed
                {
                    Severity = onUnreachable
                    Message = dnsFailure dns
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
