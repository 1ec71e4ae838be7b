namespace CachetMonitor.Domain

[<RequireQualifiedAccess>]
module ComponentMonitor =
    [<Literal>]
    let TagKey = "cachet_monitor"

    let tagOf (componentId: int) =
        componentId.ToString(System.Globalization.CultureInfo.InvariantCulture)

    let plans (endpoints: Endpoint list) : ComponentPlan list =
        endpoints
        |> List.groupBy (fun endpoint -> endpoint.ComponentId)
        |> List.map (fun (componentId, members) ->
            {
                ComponentId = componentId
                Members =
                    members
                    |> List.map (fun endpoint ->
                        {
                            Endpoint = endpoint
                            Policy = Monitor.policyOf endpoint
                        })
            })

    let private fresh =
        {
            Failures = 0
            Successes = 0
            Down = None
            Checked = false
        }

    let initial (plan: ComponentPlan) : ComponentState =
        {
            Plan = plan
            Members = plan.Members |> List.map (fun m -> m.Name, fresh) |> Map.ofList
            Adopted = false
            Shown = Unknown
            Incident = None
            Announced = None
            Foreign = []
            Strays = []
            Dormant = []
            Suppressed = false
            Retiring = false
            Pending = None
            NextWrite = 1
            Version = 0
            Quiet = Quiet.none
            SetInMaintenance = false
            Held = []
        }

    let private has action (m: Member) = m.Policy.Actions.Contains action

    /// Endpoints whose failures show on the component (directly, or through the incident they open).
    let private drives (m: Member) =
        has UpdateStatus m || has CreateIncident m

    /// The worst severity Cachet shows for the component now: its status, or our open incident.
    let private shownCap (state: ComponentState) =
        let ofStatus = Severity.ofComponentStatus state.Shown
        let ofIncident = state.Incident |> Option.map (fun i -> i.Severity)

        match ofStatus, ofIncident with
        | Some a, Some b -> Some(if Severity.rank a >= Severity.rank b then a else b)
        | a, b -> Option.orElse b a

    /// An endpoint in maintenance counts as down only as far as Cachet already shows it, and never opens an
    /// incident; its own debouncing goes on, so the window's end applies its current truth.
    let private quieted (state: ComponentState) (m: Member) (s: MemberState) =
        match s.Down with
        | Some down when state.Quiet.Maintenance.Contains m.Name ->
            match shownCap state with
            | Some cap ->
                let severity =
                    if Severity.rank down.Severity > Severity.rank cap then
                        cap
                    else
                        down.Severity

                { s with
                    Down =
                        Some
                            { down with
                                Severity = severity
                                Confirmed = false
                            }
                }
            | None -> { s with Down = None }
        | _ -> s

    /// Each endpoint with its state as the component's decisions see it (in maintenance: capped).
    let private membersOf (state: ComponentState) =
        state.Plan.Members
        |> List.map (fun m -> m, Map.tryFind m.Name state.Members |> Option.defaultValue fresh |> quieted state m)

    /// The worst down severity among the endpoints `filter` keeps, with the first (in config order) that has it.
    let private lead filter (state: ComponentState) : (Member * DownReason) option =
        membersOf state
        |> List.fold
            (fun best (m, s) ->
                match s.Down, best with
                | Some down, None when filter m -> Some(m, down)
                | Some down, Some(_, worst: DownReason) when
                    filter m && Severity.rank down.Severity > Severity.rank worst.Severity
                    ->
                    Some(m, down)
                | _ -> best)
            None

    let private worseStatus a b =
        if ComponentStatus.rank b > ComponentStatus.rank a then
            b
        else
            a

    /// In a window with `maintenance_status`: the endpoint shows as under maintenance, not as its own state.
    let private shownInMaintenance (state: ComponentState) (m: Member) =
        not state.Retiring && drives m && state.Quiet.ShownInMaintenance.Contains m.Name

    let target (state: ComponentState) : ComponentStatus =
        let own =
            match lead (fun m -> drives m && not (shownInMaintenance state m)) state with
            | Some(_, down) -> Severity.toComponentStatus down.Severity
            | None -> Operational

        // A failure outside the window, or a person's incident, shows over the maintenance (Cachet 3's order).
        let own =
            if state.Plan.Members |> List.exists (shownInMaintenance state) then
                worseStatus own UnderMaintenance
            else
                own

        state.Foreign |> List.fold (fun acc f -> worseStatus acc f.Floor) own

    let private anyConfirmed (state: ComponentState) =
        membersOf state
        |> List.exists (fun (m, s) -> has CreateIncident m && (s.Down |> Option.exists (fun d -> d.Confirmed)))

    /// The incident the component should have, with the endpoint that sets its title: opened only by an
    /// endpoint that crossed its own threshold, kept while any endpoint with CREATE_INCIDENT is down.
    let private wantedIncident (state: ComponentState) =
        match lead (has CreateIncident) state with
        | Some _ when state.Suppressed || state.Retiring -> None
        | Some _ as found when state.Incident.IsSome || state.Announced.IsSome || anyConfirmed state -> found
        | _ -> None

    let private titleOf (m: Member) (down: DownReason) =
        Titles.forSeverity m.Policy.Titles down.Severity

    let private messageOf (m: Member) (down: DownReason) =
        if down.Message = "" then titleOf m down else down.Message

    /// The endpoint whose operational title resolves the incident: the first with CREATE_INCIDENT.
    let private resolver (state: ComponentState) =
        state.Plan.Members
        |> List.tryFind (has CreateIncident)
        |> Option.orElse (List.tryHead state.Plan.Members)

    let private operationalTitle (state: ComponentState) =
        resolver state
        |> Option.map (fun m -> m.Policy.Titles.Operational)
        |> Option.defaultValue ""

    /// The resolve message: the resolver's `incident_operational_message`, else the operational title.
    let private recoveryMessage (state: ComponentState) =
        resolver state
        |> Option.bind (fun m -> IncidentMessage.ofRecovery m.Endpoint)
        |> Option.defaultWith (fun () -> operationalTitle state)

    let private resolveMessage (state: ComponentState) =
        let title = recoveryMessage state

        if state.Retiring then
            $"{title} (no longer monitored)"
        else
            title

    let private notify (state: ComponentState) event (endpoint: string) title message =
        Notify
            {
                ComponentId = state.Plan.ComponentId
                Endpoint = endpoint
                Notice =
                    {
                        Event = event
                        Title = title
                        Message = message
                    }
            }

    /// Webhooks for a change of the component's incident as decided (not as written: writes may coalesce).
    let private announce (state: ComponentState) wanted =
        match state.Announced, wanted with
        | None, Some(m: Member, down) ->
            [ notify state Opened m.Name (titleOf m down) (messageOf m down) ], Some down.Severity
        | Some announced, Some(m, down) when announced <> down.Severity ->
            [ notify state Changed m.Name (titleOf m down) (messageOf m down) ], Some down.Severity
        | Some _, None ->
            let name = resolver state |> Option.map (fun m -> m.Name) |> Option.defaultValue ""

            [ notify state Resolved name (operationalTitle state) (recoveryMessage state) ], None
        | announced, _ -> [], announced

    /// The next write for our incident, when none is in flight: open, update or resolve.
    let private nextOwnWrite (state: ComponentState) wanted status =
        let write = state.NextWrite
        let componentId = state.Plan.ComponentId

        let pending sets stray =
            Some
                {
                    Write = write
                    Sets = sets
                    Stray = stray
                }

        match state.Pending, state.Incident, wanted with
        | Some _, _, _ -> state, []
        | None, None, Some(m: Member, down: DownReason) ->
            let visible = m.Policy.PublicIncidents

            { state with
                Incident =
                    Some
                        {
                            Id = None
                            Severity = down.Severity
                            Visible = visible
                        }
                Pending = pending (Some status) None
                NextWrite = write + 1
            },
            [
                OpenIncident
                    {
                        Write = write
                        ComponentId = componentId
                        ComponentStatus = status
                        Severity = down.Severity
                        Title = titleOf m down
                        Message = messageOf m down
                        Visible = visible
                        Tag = tagOf componentId
                    }
            ]
        | None, Some({ Id = Some id } as incident), Some(m, down) when incident.Severity <> down.Severity ->
            { state with
                Incident =
                    Some
                        { incident with
                            Severity = down.Severity
                        }
                Pending = pending (Some status) None
                NextWrite = write + 1
            },
            [
                UpdateIncident
                    {
                        Write = write
                        ComponentId = componentId
                        IncidentId = id
                        ComponentStatus = status
                        Severity = down.Severity
                        Title = titleOf m down
                        Message = messageOf m down
                        Visible = incident.Visible
                    }
            ]
        | None, Some({ Id = Some id } as incident), None ->
            { state with
                Incident = None
                Pending = pending (Some status) None
                NextWrite = write + 1
            },
            [
                ResolveIncident
                    {
                        Write = write
                        ComponentId = componentId
                        IncidentId = id
                        Message = resolveMessage state
                        Visible = incident.Visible
                        ComponentStatus = Some status
                    }
            ]
        | _ -> state, []

    /// The next incident write, when none is in flight: our incident's, else the resolve of a stray duplicate.
    let private nextIncidentWrite (state: ComponentState) wanted status =
        match nextOwnWrite state wanted status with
        | next, [] when state.Pending.IsNone ->
            match state.Strays with
            | stray :: _ ->
                let write = state.NextWrite

                { next with
                    Pending =
                        Some
                            {
                                Write = write
                                Sets = None
                                Stray = Some stray
                            }
                    NextWrite = write + 1
                },
                [
                    ResolveIncident
                        {
                            Write = write
                            ComponentId = state.Plan.ComponentId
                            IncidentId = stray
                            Message = resolveMessage state
                            Visible = true
                            ComponentStatus = None
                        }
                ]
            | [] -> next, []
        | decided -> decided

    /// Brings Cachet's side up to date with the endpoints' truth: status, incident (one write at a time), webhooks.
    let private reconcile (state: ComponentState) : ComponentState * ComponentCommand list =
        // Offline, the checks' failures may be the monitor's own network: nothing is decided until it is back.
        if not state.Adopted || state.Quiet.Offline then
            state, []
        else
            let state =
                if Option.isNone (lead (has CreateIncident) state) then
                    { state with Suppressed = false }
                else
                    state

            let wanted = wantedIncident state
            let status = target state
            // While suppressed (our incident refused or resolved by a person) webhooks wait for the recovery.
            let hooks, announced =
                if state.Suppressed then
                    [], state.Announced
                else
                    announce state wanted

            // A status is written only on evidence from a check: an endpoint whose last check passed, or one down that
            // has been checked since (a failure still under allowed_fails, or an outage only inherited from Cachet,
            // says nothing yet); or the component being handed back; or a window showing it under maintenance, opening
            // or closing (the window says so).
            let evidence =
                state.Retiring
                || state.SetInMaintenance
                || state.Plan.Members |> List.exists (shownInMaintenance state)
                || state.Members
                   |> Map.exists (fun _ s -> s.Successes > 0 || (s.Checked && s.Down.IsSome))

            let statusCommands =
                if
                    evidence
                    && status <> state.Shown
                    && state.Plan.Members |> List.exists (has UpdateStatus)
                then
                    [
                        SetStatus
                            {
                                ComponentId = state.Plan.ComponentId
                                Status = status
                            }
                    ]
                else
                    []

            let shown, setInMaintenance =
                if List.isEmpty statusCommands then
                    state.Shown, state.SetInMaintenance
                else
                    status, (status = UnderMaintenance)

            let next, incidentCommands =
                nextIncidentWrite
                    { state with
                        Announced = announced
                        Shown = shown
                        SetInMaintenance = setInMaintenance
                    }
                    wanted
                    status

            let writes = statusCommands @ incidentCommands

            { next with
                Version =
                    (if List.isEmpty writes then
                         next.Version
                     else
                         next.Version + 1)
            },
            writes @ hooks

    let private saturatingIncrement n =
        if n = System.Int32.MaxValue then n else n + 1

    /// One endpoint's debouncing: down after `allowed_fails + 1` consecutive failures with the crossing check's
    /// severity; while down a new severity applies at once; up after `success_threshold` consecutive passes.
    let private checkMember (policy: Policy) (s: MemberState) verdict =
        match verdict with
        | Passed _ ->
            let successes = saturatingIncrement s.Successes

            {
                Failures = 0
                Successes = successes
                Down =
                    (if successes >= policy.SuccessThreshold then
                         None
                     else
                         s.Down)
                Checked = true
            }
        | Failed failure ->
            let failures = saturatingIncrement s.Failures
            let crossed = failures > policy.AllowedFails

            let down =
                match s.Down with
                | Some down when down.Severity = failure.Severity ->
                    Some
                        { down with
                            Confirmed = down.Confirmed || crossed
                        }
                | Some down ->
                    Some
                        {
                            Severity = failure.Severity
                            Message = failure.Message
                            Confirmed = down.Confirmed || crossed
                        }
                | None when crossed ->
                    Some
                        {
                            Severity = failure.Severity
                            Message = failure.Message
                            Confirmed = true
                        }
                | None -> None

            {
                Failures = failures
                Successes = 0
                Down = down
                Checked = true
            }

    /// The most metric points a component holds back while offline (the newest are kept).
    [<Literal>]
    let private MaxHeldPoints = 600

    let private pointOf (m: Member) value unixSeconds =
        match m.Endpoint.MetricId with
        | Some metricId when has PushMetrics m ->
            [
                PushMetric
                    {
                        MetricId = metricId
                        Endpoint = m.Name
                        Value = value
                        UnixSeconds = unixSeconds
                    }
            ]
        | _ -> []

    let private metricOf (m: Member) verdict unixSeconds =
        let latency =
            match verdict with
            | Passed latency -> Some latency
            | Failed failure -> failure.LatencySeconds

        match latency with
        // With `metric_value` the point is the value read (`Measured`), never the latency in its place.
        | Some seconds when m.Endpoint.MetricValue.IsNone ->
            pointOf m (LatencyUnit.fromSeconds m.Policy.LatencyUnit seconds) unixSeconds
        | _ -> []

    /// Metric points go out with the step's commands, or are held (bounded) while the monitor is offline.
    let private withPoints (quiet: Quiet) points (next: ComponentState, commands) =
        if quiet.Offline then
            let held =
                points
                |> List.choose (fun command ->
                    match command with
                    | PushMetric point -> Some point
                    | _ -> None)

            { next with
                Held = held @ next.Held |> List.truncate MaxHeldPoints
            },
            commands
        else
            next, points @ commands

    /// Splits the unresolved incidents into ours, dormant and foreign. Ours are tagged, or named with one of the
    /// component's titles (incidents from earlier versions and from the original tool); without CREATE_INCIDENT
    /// they are dormant (neither touched nor a floor).
    let private partition (state: ComponentState) (incidents: SeenIncident list) =
        let titles =
            state.Plan.Members
            |> List.collect (fun m ->
                [
                    m.Policy.Titles.Outage
                    m.Policy.Titles.Performance
                    m.Policy.Titles.Operational
                ])
            |> Set.ofList

        let ours, foreign =
            incidents |> List.partition (fun i -> i.Tagged || titles.Contains i.Name)

        if state.Plan.Members |> List.exists (has CreateIncident) then
            ours, [], foreign
        else
            [], ours, foreign

    /// The down state an endpoint inherits from what Cachet shows, unless its own checks already decided.
    let private inheritDown (policy: Policy) (s: MemberState) severity =
        match s.Down, severity with
        | None, Some severity when not (s.Checked && s.Successes >= policy.SuccessThreshold && s.Failures = 0) ->
            { s with
                Down =
                    Some
                        {
                            Severity = severity
                            Message = ""
                            Confirmed = false
                        }
            }
        | _ -> s

    let private adopt (state: ComponentState) (view: CachetView) =
        let ours, dormant, foreign = partition state view.Incidents

        let shownSeverity =
            match Severity.ofComponentStatus view.Status, ours with
            | Some severity, _ -> Some severity
            | None, _ :: _ -> Some Partial
            | None, [] -> None

        let incident =
            match ours, shownSeverity with
            | newest :: _, Some severity ->
                Some
                    {
                        Id = Some newest.Id
                        Severity = severity
                        Visible = newest.Visible
                    }
            | _ -> None

        let members =
            state.Plan.Members
            |> List.map (fun m ->
                let s = Map.tryFind m.Name state.Members |> Option.defaultValue fresh
                m.Name, (if drives m then inheritDown m.Policy s shownSeverity else s))
            |> Map.ofList

        { state with
            Members = members
            Adopted = true
            Shown = view.Status
            Incident = incident
            // Kept when no incident is found (a new Cachet instance): webhooks already told of this outage.
            Announced = incident |> Option.map (fun i -> i.Severity) |> Option.orElse state.Announced
            Foreign =
                foreign
                |> List.map (fun i ->
                    {
                        Id = i.Id
                        Floor = i.ComponentStatus |> Option.defaultValue view.Status
                    })
            Strays = ours |> List.skip (min 1 ours.Length) |> List.map (fun i -> i.Id)
            Dormant = dormant
            Suppressed = false
            Pending = None
            Version = state.Version + 1
        }

    let private resync (state: ComponentState) (view: CachetView) =
        let ours, dormant, foreign = partition state view.Incidents
        let ourIds = ours |> List.map (fun i -> i.Id)
        let anyDown = (lead (has CreateIncident) state).IsSome

        let incident, strays, suppressed, announced =
            match state.Incident with
            | Some { Id = Some id } when List.contains id ourIds ->
                state.Incident, ourIds |> List.filter ((<>) id), state.Suppressed, state.Announced
            | Some _ ->
                // A person resolved (or deleted) our incident: forget it, and open none until all recover.
                None, ourIds, anyDown, None
            | None ->
                match ours, lead (has CreateIncident) state with
                | newest :: rest, Some(_, down) when not state.Suppressed ->
                    Some
                        {
                            Id = Some newest.Id
                            Severity = down.Severity
                            Visible = newest.Visible
                        },
                    rest |> List.map (fun i -> i.Id),
                    false,
                    state.Announced
                | _ -> None, ourIds, state.Suppressed, state.Announced

        let known = state.Foreign |> List.map (fun f -> f.Id, f.Floor) |> Map.ofList

        let floorOf (i: SeenIncident) =
            match Map.tryFind i.Id known, i.ComponentStatus with
            | Some floor, _ -> floor
            | None, Some status -> status
            // A person who opened it changed the status with it (2.x) when Cachet shows another than ours.
            | None, None ->
                if view.Status <> state.Shown then
                    view.Status
                else
                    Operational

        { state with
            Shown = view.Status
            Incident = incident
            Strays = strays
            Dormant = dormant
            Suppressed = suppressed
            Announced = announced
            Foreign = foreign |> List.map (fun i -> { Id = i.Id; Floor = floorOf i })
        }

    /// Applies the outcome of the pending write `write`; an outcome of a write no longer pending is ignored.
    let private acknowledge (state: ComponentState) write (apply: PendingWrite -> ComponentState -> ComponentState) =
        match state.Pending with
        | Some pending when pending.Write = write ->
            let settled =
                { state with
                    Pending = None
                    Version = state.Version + 1
                    Strays =
                        match pending.Stray with
                        | Some stray -> state.Strays |> List.filter ((<>) stray)
                        | None -> state.Strays
                }

            reconcile (apply pending settled)
        | _ -> state, []

    let private shows (pending: PendingWrite) (state: ComponentState) =
        { state with
            Shown = pending.Sets |> Option.defaultValue state.Shown
        }

    /// Hot reload: endpoints whose config is unchanged keep their state; new or changed ones start from what
    /// the component shows.
    let private reconfigure (state: ComponentState) (plan: ComponentPlan) =
        let inherited = Severity.ofComponentStatus state.Shown

        let members =
            plan.Members
            |> List.map (fun m ->
                let before = state.Plan.Members |> List.tryFind (fun o -> o.Name = m.Name)

                match before, Map.tryFind m.Name state.Members with
                | Some old, Some s when old = m -> m.Name, s
                | _ when state.Adopted && drives m -> m.Name, inheritDown m.Policy fresh inherited
                | _ -> m.Name, fresh)
            |> Map.ofList

        let next =
            { state with
                Plan = plan
                Members = members
            }

        // Incidents of ours left while no endpoint had CREATE_INCIDENT: now one has, the newest is kept if an
        // endpoint with it is down (as at start-up), the rest resolved.
        if state.Dormant.IsEmpty || not (plan.Members |> List.exists (has CreateIncident)) then
            next
        else
            match state.Dormant, lead (has CreateIncident) next with
            | newest :: rest, Some(_, down) when state.Incident.IsNone && not state.Suppressed ->
                { next with
                    Incident =
                        Some
                            {
                                Id = Some newest.Id
                                Severity = down.Severity
                                Visible = newest.Visible
                            }
                    // As at start-up: adopting an incident is not news for webhooks.
                    Announced = Some down.Severity
                    Strays = next.Strays @ (rest |> List.map (fun i -> i.Id))
                    Dormant = []
                }
            | dormant, _ ->
                { next with
                    Strays = next.Strays @ (dormant |> List.map (fun i -> i.Id))
                    Dormant = []
                }

    let step (state: ComponentState) (event: ComponentEvent) : ComponentState * ComponentCommand list =
        match event with
        | Checked(name, verdict, unixSeconds) ->
            match state.Plan.Members |> List.tryFind (fun m -> m.Name = name), Map.tryFind name state.Members with
            | Some m, Some s when not state.Retiring ->
                let next, commands =
                    reconcile
                        { state with
                            // The down reason keeps the incident message (the template rendered with this check's facts).
                            Members =
                                Map.add
                                    name
                                    (checkMember m.Policy s (IncidentMessage.inVerdict m.Endpoint verdict))
                                    state.Members
                        }

                withPoints state.Quiet (metricOf m verdict unixSeconds) (next, commands)
            | _ -> state, []
        | Measured(name, value, unixSeconds) ->
            match state.Plan.Members |> List.tryFind (fun m -> m.Name = name) with
            | Some m when
                not state.Retiring
                && m.Endpoint.MetricValue.IsSome
                && System.Double.IsFinite value
                ->
                withPoints state.Quiet (pointOf m value unixSeconds) (state, [])
            | _ -> state, []
        | Adopted view -> reconcile (adopt state view)
        | Resynced(view, version) ->
            if state.Adopted && version = state.Version && state.Pending.IsNone then
                reconcile (resync state view)
            else
                state, []
        | IncidentOpened(write, incidentId) ->
            acknowledge state write (fun pending s ->
                match s.Incident with
                | Some incident ->
                    { shows pending s with
                        Incident = Some { incident with Id = Some incidentId }
                    }
                // Cannot happen while the create is pending; kept total: a stray to resolve.
                | None ->
                    { s with
                        Strays = s.Strays @ [ incidentId ]
                    })
        | IncidentWritten write -> acknowledge state write shows
        | IncidentGone write ->
            acknowledge state write (fun pending s ->
                match pending.Stray, s.Incident with
                | None, Some _ ->
                    { s with
                        Incident = None
                        Announced = None
                        Suppressed = (lead (has CreateIncident) s).IsSome
                    }
                | _ -> s)
        | IncidentRefused write ->
            acknowledge state write (fun pending s ->
                match pending.Stray, s.Incident with
                | None, Some { Id = None } ->
                    { s with
                        Incident = None
                        Suppressed = true
                    }
                | _ -> s)
        | Reconfigured plan -> reconcile (reconfigure state plan)
        | CachetChanged ->
            { state with
                Adopted = false
                Shown = Unknown
                Incident = None
                Foreign = []
                Strays = []
                Dormant = []
                Suppressed = false
                Pending = None
                Version = state.Version + 1
            },
            []
        | Quieted quiet ->
            let released =
                if quiet.Offline then
                    []
                else
                    state.Held |> List.rev |> List.map PushMetric

            let next, commands =
                reconcile
                    { state with
                        Quiet = quiet
                        Held = (if quiet.Offline then state.Held else [])
                    }

            next, released @ commands
        | Retired ->
            reconcile
                { state with
                    Retiring = true
                    Members = state.Members |> Map.map (fun _ s -> { s with Down = None; Checked = true })
                }

    let isSettled (state: ComponentState) =
        state.Pending.IsNone && state.Incident.IsNone && List.isEmpty state.Strays

    let downSeverities (state: ComponentState) =
        membersOf state
        |> List.map (fun (m, s) -> m.Name, s.Down |> Option.map (fun d -> d.Severity))
