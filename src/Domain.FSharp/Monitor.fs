namespace CachetMonitor.Domain

/// What the core needs from one endpoint's config: its policy and the verdict of an observation. The decisions
/// themselves are per component (`ComponentMonitor`).
/// Compiled as `MonitorModule`, so C# with implicit usings never confuses it with `System.Threading.Monitor`.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Monitor =
    /// The monitor policy an endpoint's config asks for.
    let policyOf (endpoint: Endpoint) : Policy =
        {
            AllowedFails = endpoint.AllowedFails
            SuccessThreshold = endpoint.SuccessThreshold
            Actions = endpoint.Actions
            LatencyUnit = endpoint.LatencyUnit
            Titles = endpoint.Titles
            PublicIncidents = endpoint.PublicIncidents
        }

    /// Evaluates a probe's observation against the endpoint's expectations and its time-out and unreachable
    /// severities (see `Expectation.evaluate`).
    let evaluate (endpoint: Endpoint) (observation: Observation) : Verdict =
        Expectation.evaluate
            endpoint.OnTimeout
            endpoint.OnUnreachable
            $"{endpoint.Method} {endpoint.Url}"
            endpoint.Expectations
            observation
