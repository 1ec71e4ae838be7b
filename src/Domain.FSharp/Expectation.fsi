namespace CachetMonitor.Domain

/// Judging one observation of an endpoint against its expectations.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Expectation =
    /// The message of a check that got no answer in time.
    [<Literal>]
    val TimedOutMessage: string = "Request timed out"

    /// The message of a check that could not connect, the original's sentence: `The URL is unreachable: GET
    /// http://host/path` (`request` is the method as written and the probed URL, separated by a space). The
    /// transport error is for the log, not for the incident the public reads.
    val unreachableMessage: request: string -> string

    /// Text from the server as a message may show it: one line, at most 80 characters.
    val internal snippet: text: string -> string

    /// Checks one expectation against a response: `None` when it passes, else why it failed (carrying the
    /// response's latency).
    val check: response: Response -> expectation: Expectation -> Failure option

    /// Evaluates an observation: a time-out fails with `onTimeout`, a connection failure with `onUnreachable`
    /// (message naming `request`, the method as written and the probed URL, e.g. `GET http://host/path`), and a
    /// response is checked against every expectation in config order. The worst failure wins; on a tie the
    /// first failing expectation in config order gives the message. All passing gives `Passed` with the latency.
    val evaluate:
        onTimeout: Severity ->
        onUnreachable: Severity ->
        request: string ->
        expectations: Expectation list ->
        observation: Observation ->
            Verdict
