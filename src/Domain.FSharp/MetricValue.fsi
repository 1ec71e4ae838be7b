namespace CachetMonitor.Domain

/// Where an endpoint's `metric_value` reads the number it pushes as the metric point instead of the latency.
type MetricValue =
    /// `json: PATH`: the value at the path of a JSON body (a number, or a string that holds one).
    | JsonNumber of path: JsonPath
    /// `regex: PATTERN`: what `group` captured at the pattern's first match in the body.
    | CapturedNumber of pattern: RegexPattern * group: string

/// Choosing a regex's group and reading the number from a body. Total: every failure is a value.
[<RequireQualifiedAccess>]
module MetricValue =
    /// The name of the capture group a `metric_value` regex reads.
    [<Literal>]
    val GroupName: string = "value"

    /// A regex source: it reads the group named `value` when it has one, else its only capture group; a pattern
    /// without groups, or with several and none named `value`, is refused with a message saying so.
    val ofRegex: pattern: RegexPattern -> Result<MetricValue, string>

    /// The source as the config writes it: `json: PATH` or `regex: PATTERN`.
    val describe: source: MetricValue -> string

    /// A number written in invariant culture (`42`, `-1.5`, `2e3`, surrounding spaces allowed); `NaN`, infinities
    /// and numbers beyond a double's range are refused.
    val parseNumber: text: string -> Result<float, string>

    /// The number the source reads from a body, or why there is none: the body is not JSON, the path is missing,
    /// the value is not a number, the regex did not match (or timed out). Never throws.
    val read: source: MetricValue -> body: string -> Result<float, string>
