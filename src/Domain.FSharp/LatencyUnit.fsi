namespace CachetMonitor.Domain

/// The unit latency metric points are pushed in.
type LatencyUnit =
    | Milliseconds
    | Seconds
    | Minutes
    | Hours

/// Parsing latency units and converting seconds into them.
[<RequireQualifiedAccess>]
module LatencyUnit =
    /// Parses the original's unit names: `ms`/`milliseconds`, `s`/`seconds`, `m`/`minutes`, `h`/`hours`.
    val tryParse: text: string -> LatencyUnit option

    /// Converts a latency in seconds into the unit.
    val fromSeconds: unit: LatencyUnit -> seconds: float -> float

    /// The short name of the unit.
    val name: unit: LatencyUnit -> string
