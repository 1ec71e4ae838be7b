namespace CachetMonitor.Domain

/// How a `JSON` or `DNS_ANSWER` expectation compares text: `value` (equal) or `regex` (matches somewhere).
type TextMatch =
    | Equals of value: string
    | Matches of pattern: RegexPattern

/// What one expectation of an endpoint requires of a response.
type ExpectationKind =
    /// The status code lies in one of the ranges (`status_range`).
    | HttpStatus of ranges: StatusRange list
    /// The latency, in seconds, is at most the threshold (equal passes).
    | Latency of thresholdSeconds: float
    /// The pattern matches somewhere in the body.
    | BodyRegex of pattern: RegexPattern
    /// `CERTIFICATE_EXPIRATION`: the server certificate expires more than `days` days after the check.
    | CertificateExpiration of days: float
    /// `JSON`: the body is JSON and the value at the path matches.
    | JsonValue of path: JsonPath * expected: TextMatch
    /// `DNS_ANSWER`: the lookup answered (NOERROR) and one of the answers matches.
    | DnsAnswer of expected: TextMatch
    /// The endpoint's `expect` (tcp:// and tls://): the first bytes the server sent match.
    | Banner of pattern: RegexPattern

    /// The config `type` of the kind; `EXPECT` for an endpoint's `expect`.
    member this.TypeName =
        match this with
        | HttpStatus _ -> "HTTP_STATUS"
        | Latency _ -> "LATENCY"
        | BodyRegex _ -> "REGEX"
        | CertificateExpiration _ -> "CERTIFICATE_EXPIRATION"
        | JsonValue _ -> "JSON"
        | DnsAnswer _ -> "DNS_ANSWER"
        | Banner _ -> "EXPECT"

/// One configured expectation and the severity of its failure.
type Expectation =
    {
        Kind: ExpectationKind
        Severity: Severity
    }

/// The certificate a TLS server presented (the leaf of its chain), and when the probe saw it: the core has no clock.
type Certificate =
    {
        Subject: string
        NotAfter: System.DateTimeOffset
        SeenAt: System.DateTimeOffset
    }

/// Reading a certificate's remaining life.
[<RequireQualifiedAccess>]
module Certificate =
    /// Days from the check to the certificate's expiry (negative once expired).
    let daysLeft certificate =
        (certificate.NotAfter - certificate.SeenAt).TotalDays

/// One record of a DNS answer: its type (`A`, `CNAME`, …) and its data as text (`192.0.2.1`, `10 mail.example.com`).
type DnsRecord = { Type: string; Data: string }

/// What a DNS server answered.
type DnsResult =
    {
        /// The name asked for.
        Name: string
        /// The response code as DNS names it: `NOERROR`, `NXDOMAIN`, `SERVFAIL`, …
        ResponseCode: string
        Records: DnsRecord list
    }

/// A response that arrived, as far as the expectations need it. HTTP fills the status and body; `tcp://` the
/// latency and, with `expect`, the first bytes; TLS the certificate; `dns://` the DNS answer.
type Response =
    {
        /// The HTTP status; `None` for a probe that is not HTTP.
        StatusCode: int option
        /// From sending the request to the final response's headers (HTTP), to the connection (and handshake) for
        /// `tcp://`/`tls://`, to the answer for `dns://`.
        LatencySeconds: float
        /// The decoded body (possibly truncated at the configured cap); for `tcp://` the first bytes received.
        Body: string
        /// The server certificate, when an expectation needs it and TLS presented one.
        Certificate: Certificate option
        /// The DNS answer of a `dns://` probe.
        Dns: DnsResult option
    }

/// Building responses.
[<RequireQualifiedAccess>]
module Response =
    /// An HTTP response: its status, latency and body.
    let http statusCode latencySeconds body =
        {
            StatusCode = Some statusCode
            LatencySeconds = latencySeconds
            Body = body
            Certificate = None
            Dns = None
        }

    /// A non-HTTP answer: only its latency so far.
    let connected latencySeconds =
        {
            StatusCode = None
            LatencySeconds = latencySeconds
            Body = ""
            Certificate = None
            Dns = None
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
