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

    /// The decimals that keep a microsecond (or finer) in the unit: a measured latency means no more than that.
    let decimals unit =
        match unit with
        | Milliseconds -> 3
        | Seconds -> 6
        | Minutes -> 8
        | Hours -> 10

    /// Converts a latency in seconds into the unit, rounded to `decimals` so that the value prints as it means
    /// (`1.0127`, not the float noise `1.0127000000000002`) in logs, dry runs and the JSON sent to Cachet.
    let fromSeconds unit (seconds: float) =
        let value =
            match unit with
            | Milliseconds -> seconds * 1000.0
            | Seconds -> seconds
            | Minutes -> seconds / 60.0
            | Hours -> seconds / 3600.0

        if System.Double.IsFinite value then
            System.Math.Round(value, decimals unit, System.MidpointRounding.AwayFromZero)
        else
            value

    /// The short name of the unit.
    let name unit =
        match unit with
        | Milliseconds -> "ms"
        | Seconds -> "s"
        | Minutes -> "m"
        | Hours -> "h"
