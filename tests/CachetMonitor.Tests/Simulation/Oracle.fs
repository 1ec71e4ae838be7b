namespace CachetMonitor.Tests.Simulation

open System.Collections.Generic
open CachetMonitor.Domain

/// What the documented rules say of one endpoint from its own checks alone.
type Judged =
    /// Not enough checks since the oracle started watching it to cross either threshold.
    | Undecided
    | Up
    | Down of Severity

/// The debouncing rules of docs/component-model.md, written again independently of the core: fed the verdicts the
/// monitor was fed, it says what each endpoint is and so what each component must show. Down after
/// `allowed_fails + 1` failures in a row with the crossing check's severity; while down, another severity applies at
/// once; up after `success_threshold` passes in a row; a shorter streak changes nothing.
type Oracle() =
    let endpoints = Dictionary<string, int * int * Judged>()

    /// Forgets everything (a restart or a reload: the monitor then starts from what Cachet shows, which the oracle
    /// does not guess; it waits for each endpoint to cross a threshold again).
    member _.Reset() = endpoints.Clear()

    /// Forgets one endpoint (added, changed or removed by a reload).
    member _.Forget(name: string) = endpoints.Remove name |> ignore

    /// One check of `spec` as the monitor received it.
    member _.Observe(spec: Endpoint, verdict: Verdict) =
        let failures, successes, judged =
            match endpoints.TryGetValue spec.Name with
            | true, state -> state
            | _ -> 0, 0, Undecided

        endpoints[spec.Name] <-
            match verdict with
            | Passed _ ->
                let successes = successes + 1
                0, successes, (if successes >= spec.SuccessThreshold then Up else judged)
            | Failed failure ->
                let failures = failures + 1

                let judged =
                    match judged with
                    | Down _ -> Down failure.Severity
                    | _ when failures > spec.AllowedFails -> Down failure.Severity
                    | other -> other

                failures, 0, judged

    member _.Judge(name: string) =
        match endpoints.TryGetValue name with
        | true, (_, _, judged) -> judged
        | _ -> Undecided

    /// The status code the component must show (worst down severity among the endpoints driving it, 1 when none is
    /// down), or `None` while one of them is undecided.
    member _.Status(members: EndpointSpec list) =
        let mutable worst = Some 1

        for e in members do
            if e.Drives && worst.IsSome then
                match endpoints.TryGetValue e.Name with
                | true, (_, _, Down severity) ->
                    worst <- Some(max worst.Value (severity |> Severity.toComponentStatus |> ComponentStatus.toCode))
                | true, (_, _, Up) -> ()
                | _ -> worst <- None

        worst

    /// Whether the component must have an incident of ours open (an endpoint with CREATE_INCIDENT is down), or
    /// `None` while one of those is undecided.
    member _.Incident(members: EndpointSpec list) =
        let mutable wanted = Some false

        for e in members do
            if List.contains CreateIncident e.Actions && wanted.IsSome then
                match endpoints.TryGetValue e.Name with
                | true, (_, _, Down _) -> wanted <- Some true
                | true, (_, _, Up) -> ()
                | _ -> wanted <- None

        wanted
