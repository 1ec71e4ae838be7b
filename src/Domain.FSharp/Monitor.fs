namespace CachetMonitor.Domain

[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Monitor =
    let policyOf (endpoint: Endpoint) : Policy =
        {
            AllowedFails = endpoint.AllowedFails
            SuccessThreshold = endpoint.SuccessThreshold
            Actions = endpoint.Actions
            LatencyUnit = endpoint.LatencyUnit
            Titles = endpoint.Titles
            PublicIncidents = endpoint.PublicIncidents
        }

    let evaluate (endpoint: Endpoint) (observation: Observation) : Verdict =
        Expectation.evaluate
            endpoint.OnTimeout
            endpoint.OnUnreachable
            (match endpoint.Target with
             | HttpTarget -> $"{endpoint.Method} {UrlCredentials.mask endpoint.Url}"
             | TcpTarget _
             | DnsTarget _ -> UrlCredentials.mask endpoint.Url)
            endpoint.Expectations
            observation

    let metricValue (endpoint: Endpoint) (observation: Observation) =
        match endpoint.MetricValue, observation with
        | Some source, Responded response -> Some(MetricValue.read source response.Body)
        | _ -> None
