namespace CachetMonitor.Domain

/// The status of a Cachet component (API v1 codes 0–4, and Cachet 3's 6).
type ComponentStatus =
    | Unknown
    | Operational
    | PerformanceIssues
    | PartialOutage
    | MajorOutage
    /// Cachet 3 only (code 6): set during a maintenance window with `maintenance_status: true`.
    | UnderMaintenance

/// Conversions between component statuses and Cachet's integer codes.
[<RequireQualifiedAccess>]
module ComponentStatus =
    /// The Cachet code of a component status.
    val toCode: status: ComponentStatus -> int

    /// The component status of a Cachet code, if the code is one.
    val ofCode: code: int -> ComponentStatus option

    /// All component statuses, in code order.
    val all: ComponentStatus list

    /// Orders statuses from best to worst as Cachet 3 does: unknown, operational, under maintenance, then the
    /// failures (performance issues, partial outage, major outage).
    val rank: status: ComponentStatus -> int

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
    val toCode: status: IncidentStatus -> int

    /// The incident status of a Cachet code, if the code is one.
    val ofCode: code: int -> IncidentStatus option

    /// All incident statuses, in code order.
    val all: IncidentStatus list

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
    val toComponentStatus: severity: Severity -> ComponentStatus

    /// The Cachet component code a failure of this severity shows (2–4).
    val toCode: severity: Severity -> int

    /// The severity a failing component status stands for (2–4), if it is one.
    val ofComponentStatus: status: ComponentStatus -> Severity option

    /// The config name of a severity (`PERFORMANCE`, `PARTIAL`, `MAJOR`).
    val name: severity: Severity -> string

    /// Parses a config severity name, ignoring case.
    val tryParse: text: string -> Severity option

    /// Orders severities from least to most severe.
    val rank: severity: Severity -> int

    /// All severities, least severe first.
    val all: Severity list
