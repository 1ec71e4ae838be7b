namespace CachetMonitor.Domain

/// What the core needs from one endpoint's config: its policy and the verdict of an observation. The decisions
/// themselves are per component (`ComponentMonitor`).
/// Compiled as `MonitorModule`, so C# with implicit usings never confuses it with `System.Threading.Monitor`.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Monitor =
    /// The monitor policy an endpoint's config asks for.
    val policyOf: endpoint: Endpoint -> Policy

    /// Evaluates a probe's observation against the endpoint's expectations and its time-out and unreachable
    /// severities (see `Expectation.evaluate`). A message names the URL with its user-info masked: it is
    /// published on the status page.
    val evaluate: endpoint: Endpoint -> observation: Observation -> Verdict

    /// The number the endpoint's `metric_value` reads from an observation's body, or why it read none; `None` when
    /// the endpoint has no `metric_value` or no response arrived (a time-out or a failed connection has no body:
    /// the check's own failure says so).
    val metricValue: endpoint: Endpoint -> observation: Observation -> Result<float, string> option
