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
    let tryParse (text: string) =
        match text.Trim() with
        | "ms"
        | "milliseconds" -> Some Milliseconds
        | "s"
        | "seconds" -> Some Seconds
        | "m"
        | "minutes" -> Some Minutes
        | "h"
        | "hours" -> Some Hours
        | _ -> None

    /// Converts a latency in seconds into the unit.
    let fromSeconds unit (seconds: float) =
        match unit with
        | Milliseconds -> seconds * 1000.0
        | Seconds -> seconds
        | Minutes -> seconds / 60.0
        | Hours -> seconds / 3600.0

    /// The short name of the unit.
    let name unit =
        match unit with
        | Milliseconds -> "ms"
        | Seconds -> "s"
        | Minutes -> "m"
        | Hours -> "h"
