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

    let fromSeconds unit (seconds: float) =
        match unit with
        | Milliseconds -> seconds * 1000.0
        | Seconds -> seconds
        | Minutes -> seconds / 60.0
        | Hours -> seconds / 3600.0

    let name unit =
        match unit with
        | Milliseconds -> "ms"
        | Seconds -> "s"
        | Minutes -> "m"
        | Hours -> "h"
