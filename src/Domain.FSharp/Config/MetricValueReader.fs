namespace CachetMonitor.Domain.ConfigReading

open CachetMonitor.Domain

/// An endpoint's `metric_value`: where the number pushed instead of the latency is read.
[<AutoOpen>]
module internal MetricValueReader =
    /// A `metric_value` regex: it must compile and say which group holds the number.
    let private valueRegex (value: Scalar) =
        regex value
        |> Result.bind (fun pattern ->
            MetricValue.ofRegex pattern
            |> Result.mapError (redacted value "has no capture group that holds the number"))

    /// `metric_value`: `json` or `regex` (exactly one).
    let metricValue lookup path node =
        node
        |> mapping
            (Some ConfigSection.MetricValue)
            "with json or regex"
            (fun section ->
                eitherKey section "json" (readWith lookup jsonPath) "regex" (readWith lookup valueRegex)
                |> Result.map (fun found ->
                    match found with
                    | Choice1Of2 path -> JsonNumber path
                    | Choice2Of2 source -> source))
            path
