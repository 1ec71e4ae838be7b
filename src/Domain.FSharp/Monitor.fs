namespace CachetMonitor.Domain

/// The debouncing and incident state machine of one endpoint: a fold of verdicts into a state and the commands
/// that make Cachet show it. Pure: the shell executes the commands (and may skip one whose effect is already true).
[<RequireQualifiedAccess>]
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

    /// The state when nothing is known of Cachet: up, no incident, the component's status unknown (so the first
    /// passing check sets it operational with UPDATE_STATUS). Prefer `adopt` when Cachet's state has been read.
    let initial: MonitorState =
        {
            Failures = 0
            Successes = 0
            Down = None
            Shown = Unknown
            Incident = None
        }

    /// The starting state from what Cachet shows: the component's status and the id of the newest unresolved
    /// incident of the component, if any. A status of 2–4 or an adopted incident means down, with the status's
    /// severity (partial when the status is 0 or 1). The incident is adopted only when the policy has
    /// CREATE_INCIDENT (otherwise this monitor never touches incidents). Streaks start at zero.
    let adopt (policy: Policy) (componentStatus: ComponentStatus) (openIncidentId: int option) : MonitorState =
        let incidentId =
            if policy.Actions.Contains CreateIncident then
                openIncidentId
            else
                None

        let down =
            match Severity.ofComponentStatus componentStatus, incidentId with
            | Some severity, _ -> Some severity
            | None, Some _ -> Some Partial
            | None, None -> None

        let incident =
            match incidentId, down with
            | Some id, Some severity -> Some { Id = Some id; Severity = severity }
            | _ -> None

        {
            Failures = 0
            Successes = 0
            Down = down
            Shown = componentStatus
            Incident = incident
        }

    let private has action (policy: Policy) = policy.Actions.Contains action

    let private metric (policy: Policy) verdict =
        let latency =
            match verdict with
            | Passed latency -> Some latency
            | Failed failure -> failure.LatencySeconds

        match latency with
        | Some seconds when has PushMetrics policy -> [ PushMetric(LatencyUnit.fromSeconds policy.LatencyUnit seconds) ]
        | _ -> []

    /// The component status command with UPDATE_STATUS, when Cachet does not already show `status`.
    let private setStatus (policy: Policy) (state: MonitorState) status =
        if has UpdateStatus policy && state.Shown <> status then
            [ SetComponentStatus status ]
        else
            []

    /// What a failing check does to the incident: open one, move the open one to the new severity, or nothing.
    let private incidentOnFailure (policy: Policy) (state: MonitorState) mayOpen (failure: Failure) =
        let title = Titles.forSeverity policy.Titles failure.Severity

        let notice event =
            NotifyWebhooks
                {
                    Event = event
                    Title = title
                    Message = if failure.Message = "" then title else failure.Message
                }

        match state.Incident with
        | _ when not (has CreateIncident policy) -> []
        | Some incident when incident.Severity <> failure.Severity ->
            [
                UpdateIncident
                    {
                        IncidentId = incident.Id
                        Severity = failure.Severity
                        Title = title
                        Message = failure.Message
                        Visible = policy.PublicIncidents
                    }
                notice Changed
            ]
        | Some _ -> []
        | None when mayOpen ->
            [
                OpenIncident
                    {
                        Severity = failure.Severity
                        Title = title
                        Message = failure.Message
                        Visible = policy.PublicIncidents
                    }
                notice Opened
            ]
        | None -> []

    /// What a check that is (or keeps) the endpoint down does.
    let private onFailure (policy: Policy) (state: MonitorState) (failure: Failure) =
        let failures = state.Failures + 1
        let crossed = failures >= policy.AllowedFails + 1

        let counted =
            { state with
                Failures = failures
                Successes = 0
            }

        if state.Down.IsNone && not crossed then
            counted, []
        else
            let status = Severity.toComponentStatus failure.Severity
            let incidentCommands = incidentOnFailure policy state crossed failure
            let commands = setStatus policy state status @ incidentCommands

            let incident =
                match state.Incident, incidentCommands with
                | Some incident, _ ->
                    Some
                        { incident with
                            Severity = failure.Severity
                        }
                | None, [] -> None
                | None, _ ->
                    Some
                        {
                            Id = None
                            Severity = failure.Severity
                        }

            { counted with
                Down = Some failure.Severity
                Shown = (if List.isEmpty commands then state.Shown else status)
                Incident = incident
            },
            commands

    /// What a passing check does: recover after the success threshold, or correct a status Cachet shows wrongly.
    let private onSuccess (policy: Policy) (state: MonitorState) =
        let successes = state.Successes + 1

        let counted =
            { state with
                Failures = 0
                Successes = successes
            }

        if state.Down.IsSome && successes < policy.SuccessThreshold then
            counted, []
        else
            let operational = policy.Titles.Operational

            let resolution =
                match state.Incident with
                | Some incident ->
                    [
                        ResolveIncident
                            {
                                IncidentId = incident.Id
                                Title = operational
                                Visible = policy.PublicIncidents
                            }
                        NotifyWebhooks
                            {
                                Event = Resolved
                                Title = operational
                                Message = operational
                            }
                    ]
                | None -> []

            let commands = setStatus policy state Operational @ resolution

            { counted with
                Down = None
                Shown = (if List.isEmpty commands then state.Shown else Operational)
                Incident = None
            },
            commands

    /// Folds one verdict into the state: the new state and the commands that make Cachet show it, in order
    /// (metric first, then component status, then incident and its webhooks). See the state-machine reference:
    /// down after `AllowedFails + 1` consecutive failures with that check's severity, a severity change while
    /// down applies at once, up after `SuccessThreshold` consecutive passes, and no command for what Cachet
    /// already shows.
    let step (policy: Policy) (state: MonitorState) (verdict: Verdict) : MonitorState * MonitorCommand list =
        let next, commands =
            match verdict with
            | Passed _ -> onSuccess policy state
            | Failed failure -> onFailure policy state failure

        next, metric policy verdict @ commands
