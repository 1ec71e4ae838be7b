namespace CachetMonitor.Domain

/// A half-open range of HTTP status codes, [Low, High); never empty.
type StatusRange = private { Low: int; High: int }

/// Building and testing status ranges.
[<RequireQualifiedAccess>]
module StatusRange =
    /// The range [low, high), or an error when it would be empty or outside 100–999.
    let create low high =
        if low < 100 || low > 999 then
            Error $"%d{low} is not an HTTP status code"
        elif high <= low then
            Error
                $"the upper bound %d{high} must be greater than the lower bound %d{low} (the upper bound is exclusive)"
        elif high > 1000 then
            Error $"the upper bound %d{high} is beyond any HTTP status code"
        else
            Ok { Low = low; High = high }

    /// The range holding the single code.
    let single code = create code (code + 1)

    /// The inclusive lower bound.
    let low range = range.Low

    /// The exclusive upper bound.
    let high range = range.High

    /// Whether a status code lies in the range.
    let contains code range = range.Low <= code && code < range.High

    /// The range as the original wrote it (`200-300`), or a single code.
    let render range =
        if range.High = range.Low + 1 then
            string range.Low
        else
            $"%d{range.Low}-%d{range.High}"
