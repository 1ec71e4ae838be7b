namespace CachetMonitor.Domain

/// A half-open range of HTTP status codes, [Low, High); never empty.
type StatusRange = private { Low: int; High: int }

/// Building and testing status ranges.
[<RequireQualifiedAccess>]
module StatusRange =
    /// The range [low, high), or an error when it would be empty or outside 100–999.
    val create: low: int -> high: int -> Result<StatusRange, string>

    /// The range holding the single code.
    val single: code: int -> Result<StatusRange, string>

    /// The inclusive lower bound.
    val low: range: StatusRange -> int

    /// The exclusive upper bound.
    val high: range: StatusRange -> int

    /// Whether a status code lies in the range.
    val contains: code: int -> range: StatusRange -> bool

    /// The range as the original wrote it (`200-300`), or a single code.
    val render: range: StatusRange -> string
