namespace CachetMonitor.Domain

type LatencyUnit =
    | Milliseconds
    | Seconds
    | Minutes
    | Hours

[<RequireQualifiedAccess>]
module LatencyUnit =
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

    let decimals unit =
        match unit with
        | Milliseconds -> 3
        | Seconds -> 6
        | Minutes -> 8
        | Hours -> 10

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

    let name unit =
        match unit with
        | Milliseconds -> "ms"
        | Seconds -> "s"
        | Minutes -> "m"
        | Hours -> "h"
