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

    /// The decimals that keep a microsecond (or finer) in the unit: a measured latency means no more than that.
    val decimals: unit: LatencyUnit -> int

    /// Converts a latency in seconds into the unit, rounded to `decimals` so that the value prints as it means
    /// (`1.0127`, not the float noise `1.0127000000000002`) in logs, dry runs and the JSON sent to Cachet.
    val fromSeconds: unit: LatencyUnit -> seconds: float -> float

    /// The short name of the unit.
    val name: unit: LatencyUnit -> string
