namespace CachetMonitor.Domain.CSharp

open System

/// What one probe of an endpoint observed: a response, a time-out, or no connection.
[<Sealed>]
type Observation internal (inner: CachetMonitor.Domain.Observation) =
    member internal _.Inner = inner

    /// A response arrived: its status code, the seconds from sending the request to its headers, and the body
    /// (read when the endpoint has a <c>REGEX</c> or <c>JSON</c> expectation or a <c>metric_value</c>; pass ""
    /// otherwise).
    static member Responded(statusCode: int, latencySeconds: float, body: string) =
        Observation(CachetMonitor.Domain.Responded(CachetMonitor.Domain.Response.http statusCode latencySeconds body))

    /// No response within the endpoint's <c>timeout</c>.
    static member TimedOut() =
        Observation(CachetMonitor.Domain.TimedOut)

    /// No connection could be made (refused, DNS, TLS, …); <c>error</c> is the transport's text.
    static member Unreachable(error: string) =
        Observation(CachetMonitor.Domain.Unreachable error)

/// The outcome of judging one observation against an endpoint's expectations.
[<Sealed>]
type Verdict internal (inner: CachetMonitor.Domain.Verdict) =
    member internal _.Inner = inner

    /// True when every expectation passed.
    member _.Passed =
        match inner with
        | CachetMonitor.Domain.Passed _ -> true
        | CachetMonitor.Domain.Failed _ -> false

    /// The severity of a failure as the config writes it (<c>PERFORMANCE</c>, <c>PARTIAL</c>, <c>MAJOR</c>);
    /// null when the check passed.
    member _.Severity: string | null =
        match inner with
        | CachetMonitor.Domain.Passed _ -> null
        | CachetMonitor.Domain.Failed failure -> CachetMonitor.Domain.Severity.name failure.Severity

    /// Why the check failed (the message incidents show); empty when it passed.
    member _.Message =
        match inner with
        | CachetMonitor.Domain.Passed _ -> ""
        | CachetMonitor.Domain.Failed failure -> failure.Message

    /// The response's latency in seconds; null when no response arrived.
    member _.LatencySeconds: Nullable<float> =
        match inner with
        | CachetMonitor.Domain.Passed latency -> Nullable latency
        | CachetMonitor.Domain.Failed failure -> Option.toNullable failure.LatencySeconds

    /// <c>pass</c>, or <c>fail (SEVERITY): message</c>.
    override this.ToString() =
        if this.Passed then
            "pass"
        else
            $"fail ({this.Severity}): {this.Message}"

/// What one check read for the endpoint's <c>metric_value</c>: the number, why none was read, or neither (the
/// endpoint has no <c>metric_value</c>, or nothing responded).
[<Sealed>]
type MetricReading internal (value: Nullable<float>, error: string | null) =
    /// The number read: give it to the component as <c>ComponentEvent.Measured</c>; null when none was.
    member _.Value = value

    /// Why no number was read (not JSON, path missing, not a number, no match): no point is pushed for this check;
    /// null when one was read or none applies.
    member _.Error = error
