namespace CachetMonitor.Domain

type ComponentStatus =
    | Unknown
    | Operational
    | PerformanceIssues
    | PartialOutage
    | MajorOutage
    | UnderMaintenance

[<RequireQualifiedAccess>]
module ComponentStatus =
    let toCode status =
        match status with
        | Unknown -> 0
        | Operational -> 1
        | PerformanceIssues -> 2
        | PartialOutage -> 3
        | MajorOutage -> 4
        | UnderMaintenance -> 6

    let ofCode code =
        match code with
        | 0 -> Some Unknown
        | 1 -> Some Operational
        | 2 -> Some PerformanceIssues
        | 3 -> Some PartialOutage
        | 4 -> Some MajorOutage
        | 6 -> Some UnderMaintenance
        | _ -> None

    let all =
        [
            Unknown
            Operational
            PerformanceIssues
            PartialOutage
            MajorOutage
            UnderMaintenance
        ]

    // Cachet 3's order of severity: under maintenance is worse than operational, better than any failure.
    let rank status =
        match status with
        | Unknown -> 0
        | Operational -> 1
        | UnderMaintenance -> 2
        | PerformanceIssues -> 3
        | PartialOutage -> 4
        | MajorOutage -> 5

type IncidentStatus =
    | Scheduled
    | Investigating
    | Identified
    | Watching
    | Fixed

[<RequireQualifiedAccess>]
module IncidentStatus =
    let toCode status =
        match status with
        | Scheduled -> 0
        | Investigating -> 1
        | Identified -> 2
        | Watching -> 3
        | Fixed -> 4

    let ofCode code =
        match code with
        | 0 -> Some Scheduled
        | 1 -> Some Investigating
        | 2 -> Some Identified
        | 3 -> Some Watching
        | 4 -> Some Fixed
        | _ -> None

    let all = [ Scheduled; Investigating; Identified; Watching; Fixed ]

type Severity =
    | Performance
    | Partial
    | Major

[<RequireQualifiedAccess>]
module Severity =
    let toComponentStatus severity =
        match severity with
        | Performance -> PerformanceIssues
        | Partial -> PartialOutage
        | Major -> MajorOutage

    let toCode severity =
        severity |> toComponentStatus |> ComponentStatus.toCode

    let ofComponentStatus status =
        match status with
        | PerformanceIssues -> Some Performance
        | PartialOutage -> Some Partial
        | MajorOutage -> Some Major
        | Unknown
        | Operational
        | UnderMaintenance -> None

    let name severity =
        match severity with
        | Performance -> "PERFORMANCE"
        | Partial -> "PARTIAL"
        | Major -> "MAJOR"

    let tryParse (text: string) =
        match text.Trim().ToUpperInvariant() with
        | "PERFORMANCE" -> Some Performance
        | "PARTIAL" -> Some Partial
        | "MAJOR" -> Some Major
        | _ -> None

    let rank severity =
        match severity with
        | Performance -> 2
        | Partial -> 3
        | Major -> 4

    let all = [ Performance; Partial; Major ]
