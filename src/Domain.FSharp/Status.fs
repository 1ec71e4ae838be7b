namespace CachetMonitor.Domain

/// The status of a Cachet component (API v1 codes 0–4).
type ComponentStatus =
    | Unknown
    | Operational
    | PerformanceIssues
    | PartialOutage
    | MajorOutage

/// Conversions between component statuses and Cachet's integer codes.
[<RequireQualifiedAccess>]
module ComponentStatus =
    /// The Cachet code of a component status.
    let toCode status =
        match status with
        | Unknown -> 0
        | Operational -> 1
        | PerformanceIssues -> 2
        | PartialOutage -> 3
        | MajorOutage -> 4

    /// The component status of a Cachet code, if the code is one.
    let ofCode code =
        match code with
        | 0 -> Some Unknown
        | 1 -> Some Operational
        | 2 -> Some PerformanceIssues
        | 3 -> Some PartialOutage
        | 4 -> Some MajorOutage
        | _ -> None

    /// All component statuses, in code order.
    let all = [ Unknown; Operational; PerformanceIssues; PartialOutage; MajorOutage ]

/// The status of a Cachet incident (API v1 codes 0–4).
type IncidentStatus =
    | Scheduled
    | Investigating
    | Identified
    | Watching
    | Fixed

/// Conversions between incident statuses and Cachet's integer codes.
[<RequireQualifiedAccess>]
module IncidentStatus =
    /// The Cachet code of an incident status.
    let toCode status =
        match status with
        | Scheduled -> 0
        | Investigating -> 1
        | Identified -> 2
        | Watching -> 3
        | Fixed -> 4

    /// The incident status of a Cachet code, if the code is one.
    let ofCode code =
        match code with
        | 0 -> Some Scheduled
        | 1 -> Some Investigating
        | 2 -> Some Identified
        | 3 -> Some Watching
        | 4 -> Some Fixed
        | _ -> None

    /// All incident statuses, in code order.
    let all = [ Scheduled; Investigating; Identified; Watching; Fixed ]

/// How bad a failing check is; each severity is shown as one failing component status.
type Severity =
    /// Component status 2, performance issues.
    | Performance
    /// Component status 3, partial outage.
    | Partial
    /// Component status 4, major outage.
    | Major

/// Severity names, codes and their component statuses.
[<RequireQualifiedAccess>]
module Severity =
    /// The component status a failure of this severity shows.
    let toComponentStatus severity =
        match severity with
        | Performance -> PerformanceIssues
        | Partial -> PartialOutage
        | Major -> MajorOutage

    /// The Cachet component code a failure of this severity shows (2–4).
    let toCode severity =
        severity |> toComponentStatus |> ComponentStatus.toCode

    /// The severity a failing component status stands for (2–4), if it is one.
    let ofComponentStatus status =
        match status with
        | PerformanceIssues -> Some Performance
        | PartialOutage -> Some Partial
        | MajorOutage -> Some Major
        | Unknown
        | Operational -> None

    /// The config name of a severity (`PERFORMANCE`, `PARTIAL`, `MAJOR`).
    let name severity =
        match severity with
        | Performance -> "PERFORMANCE"
        | Partial -> "PARTIAL"
        | Major -> "MAJOR"

    /// Parses a config severity name, ignoring case.
    let tryParse (text: string) =
        match text.Trim().ToUpperInvariant() with
        | "PERFORMANCE" -> Some Performance
        | "PARTIAL" -> Some Partial
        | "MAJOR" -> Some Major
        | _ -> None

    /// Orders severities from least to most severe.
    let rank severity =
        match severity with
        | Performance -> 2
        | Partial -> 3
        | Major -> 4

    /// All severities, least severe first.
    let all = [ Performance; Partial; Major ]
