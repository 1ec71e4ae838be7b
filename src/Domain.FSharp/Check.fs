namespace CachetMonitor.Domain

/// What one expectation of an endpoint requires of a response.
type ExpectationKind =
    /// The status code lies in one of the ranges (`status_range`).
    | HttpStatus of ranges: StatusRange list
    /// The latency, in seconds, is at most the threshold (equal passes).
    | Latency of thresholdSeconds: float
    /// The pattern matches somewhere in the body.
    | BodyRegex of pattern: RegexPattern

/// One configured expectation and the severity of its failure.
type Expectation =
    {
        Kind: ExpectationKind
        Severity: Severity
    }

/// A response that arrived, as far as the expectations need it.
type Response =
    {
        StatusCode: int
        /// From sending the request to the final response's headers.
        LatencySeconds: float
        /// The decoded body (possibly truncated at the configured cap).
        Body: string
    }

/// What one probe of an endpoint observed.
type Observation =
    | Responded of Response
    /// No response within the endpoint's timeout.
    | TimedOut
    /// No connection could be made (refused, DNS, TLS, …), with the error text.
    | Unreachable of error: string

/// Why a check failed.
type Failure =
    {
        Severity: Severity
        Message: string
        /// The response's latency, when a response arrived.
        LatencySeconds: float option
        /// The response's status code, when a response arrived (`{status_code}` in incident messages).
        ResponseStatus: int option
        /// Whole days until the server certificate expires, when the check read one (`{expires_in_days}` in
        /// incident messages); `None` for every check that reads no certificate.
        CertificateDaysLeft: int option
    }

/// The outcome of evaluating one observation against an endpoint's expectations.
type Verdict =
    | Passed of latencySeconds: float
    | Failed of Failure
