namespace CachetMonitor.Domain

open System.Globalization

/// Rendering the `incident_*_message` templates: the incident message from a failing check's facts, or the
/// resolve message. Without templates the messages stay the original's (the check's failure text, the title).
[<RequireQualifiedAccess>]
module IncidentMessage =
    /// The placeholders that stand for the failing check: its failure text, status code, latency and days until
    /// the certificate expires (empty when the check has no such fact: a time-out has no status code).
    let failurePlaceholders =
        [ "reason"; "status_code"; "latency_ms"; "expires_in_days" ]

    /// Every placeholder a message template may use besides the endpoint's own keys.
    let builtInPlaceholders = "name" :: "url" :: failurePlaceholders

    let private text (value: int) =
        value.ToString(CultureInfo.InvariantCulture)

    /// The failure's own facts; an absent fact renders as "".
    let private fact (failure: Failure) name =
        match name with
        | "reason" -> Some failure.Message
        | "status_code" -> Some(failure.ResponseStatus |> Option.map text |> Option.defaultValue "")
        | "latency_ms" ->
            failure.LatencySeconds
            |> Option.map (fun seconds -> (seconds * 1000.0).ToString("0", CultureInfo.InvariantCulture))
            |> Option.defaultValue ""
            |> Some
        | "expires_in_days" -> Some(failure.CertificateDaysLeft |> Option.map text |> Option.defaultValue "")
        | _ -> None

    /// The message template for a failure of this severity, if the endpoint has one.
    let private templateFor (messages: IncidentMessages) severity =
        match Severity.toComponentStatus severity with
        | PerformanceIssues -> messages.PerformanceMessage
        | Operational
        | Unknown
        | UnderMaintenance
        | PartialOutage
        | MajorOutage -> messages.OutageMessage

    /// The incident message of a failing check: the endpoint's template for the failure's severity rendered with
    /// the failure's facts and the endpoint's keys, else the failure's own message.
    let ofFailure (endpoint: Endpoint) (failure: Failure) : string =
        match templateFor endpoint.Messages failure.Severity with
        | Some template ->
            template
            |> Template.render (fun name -> fact failure name |> Option.orElse (endpoint.TemplateValues.TryFind name))
        | None -> failure.Message

    /// The message that resolves the endpoint's incident, when it has an `incident_operational_message`.
    let ofRecovery (endpoint: Endpoint) : string option =
        endpoint.Messages.OperationalMessage
        |> Option.map (Template.render endpoint.TemplateValues.TryFind)

    /// The verdict with a failure's message replaced by its incident message (a pass is unchanged).
    let inVerdict (endpoint: Endpoint) (verdict: Verdict) : Verdict =
        match verdict with
        | Failed failure when (templateFor endpoint.Messages failure.Severity).IsSome ->
            Failed
                { failure with
                    Message = ofFailure endpoint failure
                }
        | Failed _
        | Passed _ -> verdict
