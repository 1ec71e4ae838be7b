namespace CachetMonitor.Tests.Simulation

open System
open System.Collections.Generic
open CachetMonitor.Domain
open CachetMonitor.Host.Cachet.Sync

/// A moment a process told syncs to stop writing: every component when the Cachet instance (or token) changed,
/// or one component's retiring sync when the component came back in the config (ComponentSet.Reconfigure).
type CallOff =
    {
        Incarnation: int
        Time: int64
        /// `None`: every component.
        Component: int option
        /// The metrics of that component's endpoints.
        Metrics: int list
    }

/// What a run left behind once checks stopped and the writes drained: the input of the final checks.
type Ending =
    {
        /// The config in force at the end.
        Config: EndpointSpec list
        /// Every endpoint's health during the quiet period (never flapping).
        Truths: IReadOnlyDictionary<string, Health>
        Model: ModelCachet
        /// The process alive at the end.
        Incarnation: int
        /// The components of that process: monitored, still retiring (ComponentSet.All), and every one it made.
        Current: ComponentSync list
        Retiring: ComponentSync list
        Created: ComponentSync list
        /// Components on which a person resolved an incident of ours (the monitor may then stay silent until all
        /// its endpoints recover: docs/component-model.md, O3).
        PersonResolvedOurs: Set<int>
        /// Metric points the write loops dropped because too many were waiting (counted, by design).
        DroppedPoints: int64
        /// Metric points averaged into one because the rate budget held them back (Cachet 3).
        CoalescedPoints: int64
        /// Whether Cachet was the 3.x model (its calls differ: see `accounting`).
        Cachet3: bool
        /// When syncs were told to stop writing (their failed writes are not carried on).
        CallOffs: CallOff list
    }

/// The properties a run must end with. Each returns the broken ones, described; none is vacuous (see the
/// `mutants` tests, which break the monitor on purpose and expect each property to catch it).
[<RequireQualifiedAccess>]
module Invariants =
    let private failing (ending: Ending) (spec: EndpointSpec) =
        match ending.Truths[spec.Name] with
        | Failing severity -> Some severity
        | Healthy
        | Flapping _ -> None

    let private byComponent (ending: Ending) =
        ending.Config |> List.groupBy (fun e -> e.ComponentId)

    let private has action (spec: EndpointSpec) = List.contains action spec.Actions

    /// The worst severity among the endpoints that drive the component, as a Cachet status code (1 when none fails).
    let wanted (ending: Ending) (members: EndpointSpec list) =
        members
        |> List.filter (fun e -> e.Drives)
        |> List.choose (failing ending)
        |> List.map (Severity.toComponentStatus >> ComponentStatus.toCode)
        |> List.fold max 1

    /// A component with an UPDATE_STATUS endpoint shows the worst severity of its endpoints' truth; with a person's
    /// incident still open, never better than that (the incident holds a floor the monitor does not lower).
    let status (ending: Ending) =
        [
            for componentId, members in byComponent ending do
                if members |> List.exists (has UpdateStatus) then
                    let expected = wanted ending members
                    let shown = ending.Model.StatusOf componentId

                    let foreignOpen =
                        ending.Model.Incidents
                        |> List.exists (fun i -> i.ComponentId = componentId && i.IsOpen && not i.IsOurs)

                    if foreignOpen && shown < expected then
                        yield
                            $"component {componentId} shows status {shown}, better than its endpoints' worst ({expected}), beside a person's incident"
                    elif not foreignOpen && shown <> expected then
                        yield $"component {componentId} shows status {shown}, not its endpoints' worst ({expected})"
        ]

    /// Incidents of ours at the end: none on a component whose CREATE_INCIDENT endpoints are all up; exactly one on a
    /// component where one is down (at most one where a person resolved ours or Cachet refused our create, after
    /// which the monitor stays silent until a recovery); none on a component no longer monitored for incidents,
    /// unless the process was killed before the resolve landed (the restarted process does not read components it
    /// does not monitor: a known limitation, counted as an orphan).
    let incidents (ending: Ending) =
        let plans = byComponent ending |> Map.ofList

        let refusedCreates =
            ending.Model.Attempts
            |> Seq.choose (fun a ->
                match a.Op, a.Fate with
                | PostIncident(componentId, _, _), Some(Refused _) -> Some componentId
                | _ -> None)
            |> Set.ofSeq

        let componentIds =
            ending.Model.Incidents
            |> List.map (fun i -> i.ComponentId)
            |> List.append (Map.keys plans |> List.ofSeq)

        [
            for componentId in List.distinct componentIds do
                let ours = ending.Model.OpenOurs componentId
                let ids = ours |> List.map (fun i -> $"#{i.Id}") |> String.concat ", "

                let incidentMembers =
                    Map.tryFind componentId plans
                    |> Option.defaultValue []
                    |> List.filter (has CreateIncident)

                if incidentMembers.IsEmpty then
                    for incident in ours do
                        match incident.Author with
                        | ByMonitor incarnation when incarnation = ending.Incarnation ->
                            yield
                                $"incident #{incident.Id} of ours is left open on component {componentId}, which is no longer monitored for incidents"
                        | _ -> ()
                else
                    let down = incidentMembers |> List.filter (fun e -> (failing ending e).IsSome)

                    let silenced =
                        ending.PersonResolvedOurs.Contains componentId
                        || refusedCreates.Contains componentId

                    if down.IsEmpty && not ours.IsEmpty then
                        yield
                            $"component {componentId}: incident {ids} of ours is open though every CREATE_INCIDENT endpoint is up"
                    elif not down.IsEmpty && ours.Length > 1 then
                        yield $"component {componentId}: {ours.Length} incidents of ours are open ({ids})"
                    elif not down.IsEmpty && ours.IsEmpty && not silenced then
                        let names = down |> List.map (fun e -> e.Name) |> String.concat ", "
                        yield $"component {componentId}: no incident of ours is open though {names} is down"
        ]

    /// Incidents of ours left open on components nobody monitors for incidents by a killed process (see `incidents`).
    let orphans (ending: Ending) =
        let monitored =
            ending.Config
            |> List.filter (has CreateIncident)
            |> List.map (fun e -> e.ComponentId)
            |> Set.ofList

        ending.Model.Incidents
        |> List.filter (fun i -> i.IsOpen && i.IsOurs && not (monitored.Contains i.ComponentId))
        |> List.length

    /// Nothing is left to write: every component adopted, no write or point queued, no drain running, no incident
    /// write awaited by the core, retiring components settled, and no call of the live process unanswered.
    let drained (ending: Ending) =
        [
            for sync in ending.Current do
                if not sync.State.Adopted then
                    yield $"component {sync.ComponentId} never adopted Cachet's state"

                if sync.Pending > 0 then
                    yield $"component {sync.ComponentId} still has {sync.Pending} write(s) or point(s) queued"

                if sync.State.Pending.IsSome then
                    yield $"component {sync.ComponentId}'s core still awaits the outcome of an incident write"

                if not sync.Drain.IsCompleted then
                    yield $"component {sync.ComponentId} is still draining"
            for sync in ending.Retiring do
                yield $"retired component {sync.ComponentId} never settled (our incident or writes left)"
            for sync in ending.Created do
                if not sync.Drain.IsCompleted then
                    yield $"a sync of component {sync.ComponentId} is still draining"
            for attempt in ending.Model.Attempts do
                if attempt.Incarnation = ending.Incarnation && attempt.Fate.IsNone then
                    yield $"call {attempt.Op} made at {Ticks.render attempt.Started} was never answered"
        ]

    /// Whether attempt `b` carries on the work of failed attempt `a` (its retry, or for a create the look-up for
    /// what it may have made, or for a status a newer status of the same component). On Cachet 3 that look-up lists
    /// every unresolved incident (there is no component filter), and a point held back by the rate budget may be
    /// retried averaged with the metric's later points (at the newest time).
    let private carriesOn (ending: Ending) (a: Op) (b: Op) =
        match a, b with
        | PutStatus(c, _), PutStatus(d, _) -> c = d
        | PostIncident(c, _, _), PostIncident(d, _, _)
        | PostIncident(c, _, _), GetIncidents d -> c = d
        | PostIncident _, GetAllIncidents -> ending.Cachet3
        | PostUpdate(_, i), PostUpdate(_, j) -> i = j
        | PostResolve i, PostResolve j -> i = j
        | PostPoint(m, v, t), PostPoint(n, w, u) -> m = n && (v = w && t = u || ending.CoalescedPoints > 0L && u >= t)
        | _ -> false

    /// Every write attempt is accounted for: acknowledged, refused for good (400/404: the core hears of it), or failed
    /// and carried on by a later attempt of the same process — unless that process was killed first, or its sync was
    /// told to stop writing (the Cachet instance changed; or the component came back in the config while the sync was
    /// retiring: then until the successor reads the component, the old sync finishing the write it had in flight). A
    /// failed point may instead have been dropped on overflow (counted).
    let accounting (ending: Ending) =
        let attempts = ending.Model.Attempts

        // Until when a call-off excuses failed writes: for one component, its successor's first read of it.
        let untilOf (off: CallOff) =
            match off.Component with
            | None -> off.Time
            | Some c ->
                attempts
                |> Seq.tryFind (fun b ->
                    b.Incarnation = off.Incarnation
                    && b.Started >= off.Time
                    && (match b.Op with
                        | GetComponent d -> d = c
                        | _ -> false))
                |> Option.map (fun b -> b.Started)
                |> Option.defaultValue Int64.MaxValue

        [
            for i in 0 .. attempts.Count - 1 do
                let a = attempts[i]

                match a.Fate with
                | Some(FailedWith(fault, _)) when a.Op.IsWrite && a.Incarnation = ending.Incarnation ->
                    let mutable j = i + 1
                    let mutable found = false

                    while not found && j < attempts.Count do
                        let b = attempts[j]
                        found <- b.Incarnation = a.Incarnation && carriesOn ending a.Op b.Op
                        j <- j + 1

                    let dropped =
                        match a.Op with
                        | PostPoint _ -> ending.DroppedPoints > 0L
                        | _ -> false

                    let componentOf =
                        match a.Op with
                        | PutStatus(c, _)
                        | PostIncident(c, _, _)
                        | PostUpdate(c, _) -> Some c
                        | PostResolve id ->
                            ending.Model.Incidents
                            |> List.tryFind (fun i -> i.Id = id)
                            |> Option.map (fun i -> i.ComponentId)
                        | _ -> None

                    let calledOff =
                        ending.CallOffs
                        |> List.exists (fun off ->
                            off.Incarnation = a.Incarnation
                            && untilOf off >= a.Started
                            && (match off.Component, a.Op with
                                | None, _ -> true
                                | Some _, PostPoint(metric, _, _) -> List.contains metric off.Metrics
                                | Some c, _ -> componentOf = Some c))

                    if not found && not dropped && not calledOff then
                        yield $"write {a.Op} failed ({fault}) at {Ticks.render a.Started} and was never carried on"
                | _ -> ()
        ]

    /// Cachet 3: the monitor stays within Cachet's limit of `limit` requests a minute. No process makes more than
    /// `limit` calls in any 60 s of virtual time (its budget's bucket plus a minute's refill is at most that), and
    /// Cachet's limiter answers 429 only in a process's first minute (`starts`: a restarted process's budget starts
    /// full while Cachet still counts its predecessor's calls) — never a 429 storm.
    let rate (limit: int) (starts: IReadOnlyDictionary<int, int64>) (attempts: IReadOnlyList<Attempt>) =
        let minute = Ticks.ofMinutes 1.0

        [
            for incarnation, calls in attempts |> Seq.groupBy (fun a -> a.Incarnation) do
                // Attempts are recorded as they are made: in order of time.
                let calls = Array.ofSeq calls
                let mutable first = 0
                let mutable most = 0
                let mutable from = 0L

                for last in 0 .. calls.Length - 1 do
                    while calls[last].Started - calls[first].Started >= minute do
                        first <- first + 1

                    if last - first + 1 > most then
                        most <- last - first + 1
                        from <- calls[first].Started

                if most > limit then
                    yield
                        $"process {incarnation} made {most} Cachet calls in the minute from {Ticks.render from}, over Cachet 3's limit of {limit}"

            let late =
                attempts
                |> Seq.filter (fun a ->
                    match a.Fate with
                    | Some(FailedWith(OverLimit _, _)) ->
                        let started =
                            match starts.TryGetValue a.Incarnation with
                            | true, t -> t
                            | _ -> 0L

                        a.Started >= started + minute
                    | _ -> false)
                |> List.ofSeq

            match late with
            | first :: _ ->
                yield
                    $"Cachet 3's limiter answered 429 to {late.Length} call(s) after a process's first minute, the first at {Ticks.render first.Started} (process {first.Incarnation})"
            | [] -> ()
        ]
