namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of an endpoint's `metric_value:` (where the number pushed instead of the latency is read).
[<RequireQualifiedAccess>]
module internal MetricValueKeys =
    let rows: ConfigKey list =
        [
            optional
                ConfigSection.MetricValue
                "json"
                KeyType.Text
                ours
                None
                "Where the number is in a JSON body, in the path syntax of the `JSON` expectation (`queue.depth`, `items[0].count`): a JSON number, or a string that holds one (`\"42\"`). One of `json` and `regex`."
            optional
                ConfigSection.MetricValue
                "regex"
                KeyType.RegexText
                ours
                None
                "A regular expression searched in the body: the number is what its group named `value` captured (`depth=(?<value>[0-9.]+)`), or its only capture group (`depth=([0-9.]+)`). One of `json` and `regex`."
        ]
