namespace CachetMonitor.Domain

type StatusRange = private { Low: int; High: int }

[<RequireQualifiedAccess>]
module StatusRange =
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

    let single code = create code (code + 1)

    let low range = range.Low

    let high range = range.High

    let contains code range = range.Low <= code && code < range.High

    let render range =
        if range.High = range.Low + 1 then
            string range.Low
        else
            $"%d{range.Low}-%d{range.High}"
