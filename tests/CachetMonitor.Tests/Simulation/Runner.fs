namespace CachetMonitor.Tests.Simulation

open System
open System.Collections.Generic
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging.Abstractions
open CachetMonitor.Domain
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Scheduling

/// What one simulated run did and broke.
type RunResult =
    {
        Scenario: Scenario
        Mutant: Mutant
        /// Broken invariants, described (empty: the run passed).
        Violations: string list
        Steps: int64
        Calls: int
        FailedCalls: int
        Restarts: int
        Reloads: int
        /// Duplicates a killed process's late create made, resolved afterwards (allowed).
        LateDuplicates: int
        /// Incidents of ours a killed process left on components no longer monitored for incidents (a known limit).
        Orphans: int
        /// Requests Cachet 3's limiter answered 429 (allowed only in a restarted process's first minute).
        Throttled: int
        /// Metric points averaged into one because the rate budget held them back (Cachet 3).
        Coalesced: int64
        /// A fingerprint of every call (its time, process, arguments and fate) and of Cachet's final state.
        Digest: string
        /// The world's events and every call, when asked for (replaying one seed).
        Trace: string list
    }

/// One process of the monitor (an incarnation): its components, endpoint monitors and Cachet reads.
type private Process =
    {
        Number: int
        /// The token this process's client sends.
        Token: string ref
        Api: ICachetApi
        Gate: CachetWriteGate
        Components: ComponentSet
        /// Every component sync this process made (monitored, retiring or dropped).
        Created: ResizeArray<ComponentSync>
        Monitors: Dictionary<string, EndpointMonitor>
        Service: CachetSyncService
    }

/// Runs the real `ComponentSync`s (and the core inside them) and `CachetSyncService`'s adoption and resync against
/// the model Cachet, on the virtual clock, through a scenario. Deterministic: everything runs on the calling thread
/// as items of one `SimLoop` (drains are posted to it through ComponentSync's `startDrain` seam; timers are the
/// loop's; the model answers by completing tasks from loop items, so continuations run inline there), and every
/// random choice comes from a stream seeded by the scenario's seed (retry jitter through the `retryDelay` seam).
[<RequireQualifiedAccess>]
module Runner =
    let private epoch = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)

    let private lifetime =
        { new IHostApplicationLifetime with
            member _.ApplicationStarted = CancellationToken.None
            member _.ApplicationStopping = CancellationToken.None
            member _.ApplicationStopped = CancellationToken.None
            member _.StopApplication() = ()
        }

    /// Short renderings for traces and the digest (no reflection: a run makes tens of thousands of calls).
    let renderOp (op: Op) =
        match op with
        | GetComponent c -> $"GET component {c}"
        | GetMetric m -> $"GET metric {m}"
        | GetIncidents c -> $"GET unresolved incidents of {c}"
        | GetAllIncidents -> "GET all unresolved incidents"
        | PutStatus(c, s) -> $"PUT component {c} status {s}"
        | PostIncident(c, name, tag) ->
            let tag = defaultArg tag "-"
            $"POST incident on {c} \"{name}\" tag {tag}"
        | PostUpdate(c, i) -> $"update incident #{i} on {c}"
        | PostResolve i -> $"resolve incident #{i}"
        | PostPoint(m, v, t) -> $"point {v} at {t} on metric {m}"

    let renderFate (fate: Fate option) =
        match fate with
        | None -> "unanswered"
        | Some Acknowledged -> "ok"
        | Some(Refused reason) -> $"refused: {reason}"
        | Some(FailedWith(fault, effect)) ->
            let what =
                match fault with
                | ServerError -> "500"
                | RateLimited wait -> $"429 retry after {wait.TotalSeconds} s"
                | ClientTimeout _ -> "timed out"
                | LostAnswer -> "answer lost"
                | BadRequest -> "400"
                | Unauthorized -> "401"
                | OverLimit wait -> $"429 from Cachet 3's limiter, retry after {wait.TotalSeconds} s"

            if effect then $"{what} (took effect)" else what

    let private digestOf (lines: string seq) =
        let mutable hash = 14695981039346656037UL

        for line in lines do
            for c in line do
                hash <- (hash ^^^ uint64 c) * 1099511628211UL

            hash <- (hash ^^^ 10UL) * 1099511628211UL

        hash.ToString("x16")

    let private incidentDown (state: ComponentState) =
        state.Plan.Members
        |> List.exists (fun m ->
            m.Policy.Actions.Contains CreateIncident
            && (Map.tryFind m.Name state.Members |> Option.exists (fun s -> s.Down.IsSome)))

    /// The real Cachet 3 client over the wire, with the token in `token` (read at each call: a reload may change it,
    /// and gets a client of its own, as ConfigReloader switches clients). Tells the wire the visibility the core
    /// decided for each create.
    let private cachet3Api (wire: Cachet3Wire) (http: HttpClient) (clock: TimeProvider) (token: string ref) =
        let clients = Dictionary<string, Cachet3Client>()

        let current () : ICachetApi =
            match clients.TryGetValue token.Value with
            | true, client -> client
            | _ ->
                let client = Cachet3Client(http, "http://cachet.sim/api", token.Value, clock)
                clients[token.Value] <- client
                client

        { new ICachetApi with
            member _.IncidentsSetComponentStatus = current().IncidentsSetComponentStatus
            member _.DropsPointsWithinThreshold = current().DropsPointsWithinThreshold
            member _.GetComponentAsync(id, ct) = current().GetComponentAsync(id, ct)
            member _.ListComponentsAsync(ct) = current().ListComponentsAsync(ct)
            member _.GetMetricAsync(id, ct) = current().GetMetricAsync(id, ct)

            member _.FindOpenIncidentAsync(componentId, ct) =
                current().FindOpenIncidentAsync(componentId, ct)

            member _.ListUnresolvedIncidentsAsync(componentId, ct) =
                current().ListUnresolvedIncidentsAsync(componentId, ct)

            member _.ListAllUnresolvedIncidentsAsync(ct) =
                current().ListAllUnresolvedIncidentsAsync(ct)

            member _.SetComponentStatusAsync(componentId, status, ct) =
                current().SetComponentStatusAsync(componentId, status, ct)

            member _.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct) =
                wire.Intent <- Some visible
                current().CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct)

            member _.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct) =
                wire.Intent <- Some visible
                current().CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct)

            member _.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct) =
                current().UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct)

            member _.ResolveIncidentAsync(incidentId, message, visible, ct) =
                current().ResolveIncidentAsync(incidentId, message, visible, ct)

            member _.PushMetricPointAsync(metricId, value, unixSeconds, ct) =
                current().PushMetricPointAsync(metricId, value, unixSeconds, ct)
        }

    /// Runs `scenario` against `version`'s Cachet to its end, then lets the writes drain and checks every invariant.
    /// Against Cachet 3 the monitor's real `Cachet3Client` talks HTTP to the model (`Cachet3Wire`) and every process
    /// writes through a rate budget, as the host does once it has detected Cachet 3.
    let runOn (version: CachetVersion) (scenario: Scenario) (mutant: Mutant) (traced: bool) : RunResult =
        let loop = SimLoop()
        let clock = VirtualClock(loop, epoch)
        let stream k = Random(scenario.Seed * 7919 + k)

        let model =
            ModelCachet(
                loop,
                stream 1,
                scenario.ComponentIds,
                scenario.MetricIds,
                scenario.ListsAll,
                (version <> Cachet2)
            )

        let wire =
            match version with
            | Cachet3(limit, _) -> Some(new Cachet3Wire(loop, model, limit))
            | Cachet2 -> None

        // Never a timer of its own (no time-out): the model answers a time-out after 30 s of virtual time.
        let http =
            wire
            |> Option.map (fun w -> new HttpClient(Mutants.wire mutant w, false, Timeout = Timeout.InfiniteTimeSpan))

        // The rate budget's waits: a timer of the loop, and a cancellation that completes the wait at once (inline).
        let delay (wait: TimeSpan) (ct: CancellationToken) : Task =
            let waited = TaskCompletionSource()

            let timer =
                clock.CreateTimer((fun _ -> waited.TrySetResult() |> ignore), null, wait, Timeout.InfiniteTimeSpan)

            let registration = ct.Register(fun () -> waited.TrySetCanceled ct |> ignore)

            task {
                try
                    do! waited.Task
                finally
                    timer.Dispose()
                    registration.Dispose()
            }

        // When each process started (Cachet 3's limiter may still count its predecessor's calls for a minute).
        let starts = Dictionary<int, int64>()

        let checks = stream 2
        let jitter = stream 3
        // The token in the config; each process calls Cachet with its own copy (a reload changes it).
        let mutable configToken = model.Token
        let mutable revoked = false
        // When syncs were told to stop writing (their writes failing before then are not carried on).
        let callOffs = ResizeArray<CallOff>()
        let oracle = Oracle()
        let timeliness = Timeliness(loop, model, oracle)
        let options = CachetWriteOptions(MaxConcurrentCalls = 1_000_000)
        let counters = SyncCounters()
        let violations = ResizeArray<string>()
        let trace = ResizeArray<string>()
        let truths = Dictionary<string, Health>()
        let labels = Dictionary<int, int * int>()
        let personResolvedOurs = HashSet<int>()
        // Components where a person resolved the incident the core holds: no create until it sees a recovery.
        let watches = Dictionary<int, int * ComponentSync * int ref>()
        let mutable config = scenario.Config
        let mutable running = true
        let mutable restarts = 0
        let mutable reloads = 0

        for name in scenario.EndpointNames do
            truths[name] <- Healthy

        let note (text: unit -> string) =
            if traced then
                trace.Add $"{Ticks.render loop.Now} {text ()}"

        // Backoff.Delay's contract (half to all of the doubling ceiling, at least Retry-After) with seeded jitter.
        let retryDelay (failures: int) (asked: Nullable<TimeSpan>) =
            let ceiling =
                min
                    (options.InitialBackoff.TotalMilliseconds
                     * Math.Pow(2.0, float (min failures 16)))
                    options.MaxBackoff.TotalMilliseconds

            let jittered =
                TimeSpan.FromMilliseconds(ceiling / 2.0 + jitter.NextDouble() * ceiling / 2.0)

            if asked.HasValue && asked.Value > jittered then
                asked.Value
            else
                jittered

        // A drain starts as a later item of the loop, as Task.Run would start it a little later on the pool.
        let startDrain (work: Func<Task>) : Task =
            let started = TaskCompletionSource<Task>()
            loop.Post(fun () -> started.SetResult(work.Invoke()))
            started.Task.Unwrap()

        let observe (what: string) (work: Task) =
            task {
                try
                    do! work
                with e ->
                    violations.Add $"{Ticks.render loop.Now}: {what} failed: {e.Message}"
            }
            |> ignore

        let newSync (api: ICachetApi) (gate: CachetWriteGate) (plan: ComponentPlan) =
            ComponentSync(
                plan,
                api,
                gate,
                options,
                Action<string, WebhookNotice>(fun _ _ -> ()),
                Func<string, string>(id),
                counters,
                clock,
                NullLogger.Instance,
                Func<Func<Task>, Task>(startDrain),
                Func<int, Nullable<TimeSpan>, TimeSpan>(retryDelay)
            )

        let verdictOf (name: string) =
            let failure severity =
                Failed
                    {
                        Severity = severity
                        Message = $"{name} answered badly ({Severity.name severity})"
                        LatencySeconds = Some 0.25
                        ResponseStatus = None
                        CertificateDaysLeft = None
                    }

            match truths[name] with
            | Healthy -> Passed(0.05 + checks.NextDouble() * 0.2)
            | Failing severity -> failure severity
            | Flapping(severity, percent) ->
                if checks.Next 100 < percent then
                    failure severity
                else
                    Passed 0.1

        let deliver (monitor: EndpointMonitor) verdict started =
            if not monitor.Retired then
                oracle.Observe(monitor.Endpoint, verdict)

            monitor.OnVerdict(verdict, started)

            match mutant, verdict with
            | FirstRecoveryClearsComponent, Passed _ when not monitor.Retired ->
                for m in monitor.Component.Plan.Members do
                    if m.Name <> monitor.Endpoint.Name then
                        for _ in 1 .. m.Policy.SuccessThreshold do
                            monitor.Component.OnChecked(m.Name, Passed 0.1, started)
            | _ -> ()

        let rec scheduleCheck (p: Process) (monitor: EndpointMonitor) (at: int64) =
            loop.At(
                at,
                p.Number,
                fun () ->
                    if running && not monitor.Retired then
                        let verdict = verdictOf monitor.Endpoint.Name
                        let started = clock.GetUtcNow().ToUnixTimeSeconds()
                        let probe = Ticks.ofSeconds (0.01 + checks.NextDouble() * 2.0)

                        loop.At(loop.Now + probe, p.Number, (fun () -> deliver monitor verdict started))
                        |> ignore

                        scheduleCheck p monitor (at + Ticks.ofSeconds monitor.Endpoint.FrequencySeconds)
            )
            |> ignore

        let addMonitor (p: Process) (spec: EndpointSpec) (sync: ComponentSync) =
            let monitor = EndpointMonitor(spec.Endpoint, sync)
            p.Monitors[spec.Name] <- monitor

            scheduleCheck
                p
                monitor
                (loop.Now
                 + int64 (checks.NextDouble() * float (Ticks.ofSeconds spec.FrequencySeconds)))

        let find (p: Process) componentId =
            match p.Components.Find componentId with
            | null -> None
            | sync -> Some sync

        let plansOf (specs: EndpointSpec list) =
            HostInterop.Plans(specs |> List.map (fun e -> e.Endpoint))

        /// Start-up: a component sync per component, Cachet read for each (CachetSyncService's adoption), then a
        /// resync every ResyncInterval (as its ResyncLoopAsync: the first after the start-up reads).
        let startProcess () =
            let number = loop.Incarnation
            model.ProcessStarted()
            starts[number] <- loop.Now

            let gate =
                match version with
                | Cachet3(_, perMinute) when mutant <> IgnoresBudget ->
                    let budget = CachetRateBudget(perMinute, clock, Func<_, _, _>(delay))
                    budget.Activate()
                    new CachetWriteGate(options, budget)
                | _ -> new CachetWriteGate(options)

            let token = ref configToken

            let client =
                match wire, http with
                | Some wire, Some http -> cachet3Api wire http clock token
                | _ -> model.Client token

            let api = Mutants.wrap mutant client
            let created = ResizeArray<ComponentSync>()

            for plan in plansOf config do
                created.Add(newSync api gate plan)

            let components = ComponentSet(created)

            let service =
                new CachetSyncService(
                    components,
                    api,
                    gate,
                    options,
                    RunState(),
                    false,
                    clock,
                    lifetime,
                    NullLogger<CachetSyncService>.Instance,
                    Func<int, Nullable<TimeSpan>, TimeSpan>(retryDelay)
                )

            let p =
                {
                    Number = number
                    Token = token
                    Api = api
                    Gate = gate
                    Components = components
                    Created = created
                    Monitors = Dictionary()
                    Service = service
                }

            for spec in config do
                addMonitor p spec (find p spec.ComponentId).Value

            let adoptions =
                created |> Seq.map (fun c -> service.AdoptLaterAsync c) |> Array.ofSeq

            observe
                "start-up"
                (task {
                    do! Task.WhenAll adoptions
                    let mutable alive = true

                    while alive do
                        do! Task.Delay(options.ResyncInterval, clock)

                        if running && loop.Incarnation = number then
                            try
                                do! service.ResyncAsync CancellationToken.None
                                timeliness.ResyncDone()
                            with :? CachetApiException ->
                                ()
                        else
                            alive <- false
                })

            p

        for componentId, name in scenario.Leftovers do
            model.Leftover(componentId, name)

        let mutable proc = startProcess ()

        /// Hot reload as ConfigReloader.Apply does it: ComponentSet.Reconfigure maps the plans to components
        /// (Reconfigured, Retired, new ones adopted); unchanged endpoints keep their monitor, changed and removed ones
        /// are retired (their checks in flight dropped).
        let reload (next: EndpointSpec list) (cachetChanged: bool) =
            let p = proc

            let create (plan: ComponentPlan) =
                let created = newSync p.Api p.Gate plan
                p.Created.Add created
                created

            let retiring () =
                let current = p.Components.Current

                p.Components.All
                |> Seq.filter (fun c -> not (current |> Seq.exists (fun k -> obj.ReferenceEquals(k, c))))
                |> List.ofSeq

            let before = retiring ()

            let changes =
                p.Components.Reconfigure(plansOf next, Func<_, _>(create), cachetChanged)

            let after = retiring ()

            // Retiring syncs called off (their component is back): their writes failing until the successor reads
            // Cachet are not carried on (see Invariants.accounting). No second await on their drains here: a task
            // with several awaiters resumes some of them on the thread pool.
            for gone in before do
                if not (after |> List.exists (fun c -> obj.ReferenceEquals(c, gone))) then
                    callOffs.Add
                        {
                            Incarnation = p.Number
                            Time = loop.Now
                            Component = Some gone.ComponentId
                            Metrics = gone.Plan.Members |> List.choose (fun m -> m.Endpoint.MetricId)
                        }

            let byId = p.Components.Current |> Seq.map (fun c -> c.ComponentId, c) |> dict

            for spec in next do
                match p.Monitors.TryGetValue spec.Name with
                | true, running when running.Endpoint = spec.Endpoint -> ()
                | found, old ->
                    if found then
                        old.Retire()

                    oracle.Forget spec.Name
                    addMonitor p spec byId[spec.ComponentId]

            let names = next |> List.map (fun e -> e.Name) |> set

            for name in List.ofSeq p.Monitors.Keys do
                if not (names.Contains name) then
                    p.Monitors[name].Retire()
                    p.Monitors.Remove name |> ignore
                    oracle.Forget name

            timeliness.Disturb 3.0

            for adoption in changes.ToAdopt do
                observe
                    $"adoption of component {adoption.Component.ComponentId} after a reload"
                    (p.Service.AdoptLaterAsync(adoption.Component, adoption.After))

            config <- next

        // Events waiting for the next write (or incident write) to be in flight.
        let armed = ResizeArray<bool * WorldEvent>()

        let rec apply (event: WorldEvent) =
            note (fun () -> $"world: %A{event}")

            match event with
            | DuringNextWrite(incidentWrite, inner) -> armed.Add((incidentWrite, inner))
            | TruthChanges(name, health) -> truths[name] <- health
            | FaultsOn rates -> model.Faults <- Some rates
            | FaultsOff ->
                model.Faults <- None
                timeliness.TroubleEnded 3.0
            | TokenRevoked seconds ->
                model.Token <- $"token-{loop.Now}"
                revoked <- true

                loop.At(
                    loop.Now + Ticks.ofSeconds seconds,
                    0,
                    fun () ->
                        note (fun () -> "world: the config gets Cachet's new token (reload)")
                        configToken <- model.Token
                        revoked <- false
                        // As ConfigReloader: the client is switched, then every component forgets Cachet and re-reads it.
                        proc.Token.Value <- configToken

                        callOffs.Add
                            {
                                Incarnation = proc.Number
                                Time = loop.Now
                                Component = None
                                Metrics = []
                            }
                        // The core forgets what it knew of Cachet, a person's resolve included (as at a restart).
                        watches.Clear()
                        reloads <- reloads + 1
                        reload config true
                        timeliness.TroubleEnded 12.0
                )
                |> ignore
            | Restart ->
                restarts <- restarts + 1
                model.Kill()
                watches.Clear()
                oracle.Reset()
                timeliness.Disturb 12.0
                loop.Incarnation <- loop.Incarnation + 1
                proc <- startProcess ()
            | Reload next ->
                reloads <- reloads + 1
                reload next false
            | Flicker(removeComponent, choice, seconds) ->
                let before = config
                let components = before |> List.map (fun e -> e.ComponentId) |> List.distinct

                let without =
                    if removeComponent && components.Length > 1 then
                        let gone = components[choice % components.Length]
                        before |> List.filter (fun e -> e.ComponentId <> gone)
                    else
                        let moved = before[choice % before.Length]
                        let target = scenario.ComponentIds[choice % scenario.ComponentIds.Length]

                        before
                        |> List.map (fun e ->
                            if e.Name = moved.Name then
                                { e with ComponentId = target }
                            else
                                e)

                reloads <- reloads + 1
                reload without false

                loop.At(
                    loop.Now + Ticks.ofSeconds seconds,
                    0,
                    fun () ->
                        reloads <- reloads + 1
                        reload before false
                )
                |> ignore
            | WallClockStep seconds -> clock.StepWall(Ticks.ofSeconds seconds)
            | PersonOpensIncident(label, componentId, status) ->
                labels[label] <- (model.PersonOpens(componentId, status, $"Network maintenance {label}"), componentId)
                timeliness.PersonEdited componentId
            | PersonResolvesIncident label ->
                let id, componentId = labels[label]
                model.PersonResolves id
                timeliness.PersonEdited componentId
            | PersonResolvesOurs componentId ->
                timeliness.PersonEdited componentId

                match model.OpenOurs componentId |> List.sortByDescending (fun i -> i.Id) with
                | newest :: _ ->
                    model.PersonResolves newest.Id
                    personResolvedOurs.Add componentId |> ignore

                    match find proc componentId with
                    | Some sync ->
                        match sync.State.Incident with
                        | Some { Id = Some held } when held = newest.Id ->
                            watches[componentId] <- (proc.Number, sync, ref model.Attempts.Count)
                        | _ -> ()
                    | None -> ()
                | [] -> ()
            | PersonSetsStatus(componentId, status) ->
                model.PersonSetsStatus(componentId, status)
                timeliness.PersonEdited componentId

        /// After a person resolves the incident the core holds, the same process opens none on that component until
        /// it has seen all the component's CREATE_INCIDENT endpoints up (docs/component-model.md, O3) — unless it
        /// forgot Cachet meanwhile (a restart, a new token): the person's resolve is known only in memory.
        let silenced componentId =
            find proc componentId
            |> Option.exists (fun sync -> sync.State.Suppressed || sync.State.Retiring)

        let afterEach () =
            if running then
                timeliness.Check(config, silenced, model.Faults.IsSome || revoked)

            if watches.Count > 0 then
                for KeyValue(componentId, (number, sync, next)) in List.ofSeq watches do
                    let attempts = model.Attempts

                    for i in next.Value .. attempts.Count - 1 do
                        match attempts[i].Op with
                        | PostIncident(c, _, _) when c = componentId && attempts[i].Incarnation = number ->
                            violations.Add
                                $"{Ticks.render attempts[i].Started}: component {componentId} opened an incident after a person resolved ours, with no recovery in between"
                        | _ -> ()

                    next.Value <- attempts.Count

                    let same =
                        loop.Incarnation = number
                        && (find proc componentId |> Option.exists (fun s -> obj.ReferenceEquals(s, sync)))

                    if not same || not (incidentDown sync.State) then
                        watches.Remove componentId |> ignore

        model.OnCall <-
            fun attempt ->
                let incidentWrite =
                    match attempt.Op with
                    | PostIncident _
                    | PostUpdate _
                    | PostResolve _ -> true
                    | _ -> false

                if attempt.Op.IsWrite && armed.Count > 0 then
                    match
                        armed
                        |> Seq.tryFindIndex (fun (wantsIncident, _) -> incidentWrite || not wantsIncident)
                    with
                    | Some index ->
                        let _, inner = armed[index]
                        armed.RemoveAt index
                        let within = Ticks.ofSeconds (checks.NextDouble() * 0.3)
                        loop.At(loop.Now + within, 0, (fun () -> apply inner)) |> ignore
                    | None -> ()

        for time, event in scenario.Events do
            loop.At(time, 0, (fun () -> apply event)) |> ignore

        loop.At(scenario.End, 0, (fun () -> running <- false)) |> ignore
        loop.RunUntil(scenario.End + Ticks.ofMinutes 10.0, afterEach)

        let current = List.ofSeq proc.Components.Current

        let ending =
            {
                Config = config
                Truths = truths
                Model = model
                Incarnation = proc.Number
                Current = current
                Retiring =
                    proc.Components.All
                    |> Seq.filter (fun s -> not (current |> List.exists (fun c -> obj.ReferenceEquals(c, s))))
                    |> List.ofSeq
                Created = List.ofSeq proc.Created
                PersonResolvedOurs = Set.ofSeq personResolvedOurs
                DroppedPoints = counters.DroppedMetricPoints
                CoalescedPoints = counters.CoalescedMetricPoints
                Cachet3 = wire.IsSome
                CallOffs = List.ofSeq callOffs
            }

        if loop.Busy(Int64.MaxValue) then
            violations.Add "work was still scheduled 10 minutes after the end"

        if loop.Escaped then
            violations.Add "work ran off the simulation thread (a continuation resumed on the thread pool)"

        if counters.WriteLoopFailures > 0L then
            violations.Add $"the write loops hit {counters.WriteLoopFailures} unexpected error(s)"

        let calls =
            model.Attempts
            |> Seq.map (fun a -> $"{Ticks.render a.Started} p{a.Incarnation} {renderOp a.Op} → {renderFate a.Fate}")
            |> List.ofSeq

        let final =
            model.Incidents
            |> List.map (fun i -> $"#{i.Id} c{i.ComponentId} {i.Name} status {i.Status} {i.Author}")

        let statuses =
            scenario.ComponentIds |> List.map (fun c -> $"c{c}={model.StatusOf c}")

        {
            Scenario = scenario
            Mutant = mutant
            Violations =
                List.ofSeq violations
                @ List.ofSeq model.Violations
                @ List.ofSeq timeliness.Violations
                @ Invariants.drained ending
                @ Invariants.accounting ending
                @ Invariants.status ending
                @ Invariants.incidents ending
                @ (match version with
                   | Cachet3(limit, _) -> Invariants.rate limit starts model.Attempts
                   | Cachet2 -> [])
            Steps = loop.Steps
            Calls = model.Attempts.Count
            FailedCalls =
                model.Attempts
                |> Seq.filter (fun a ->
                    match a.Fate with
                    | Some(FailedWith _) -> true
                    | _ -> false)
                |> Seq.length
            Restarts = restarts
            Reloads = reloads
            LateDuplicates = model.LateDuplicates
            Orphans = Invariants.orphans ending
            Throttled = wire |> Option.map (fun w -> w.Throttled) |> Option.defaultValue 0
            Coalesced = counters.CoalescedMetricPoints
            Digest = digestOf (calls @ final @ statuses)
            Trace =
                if traced then
                    List.ofSeq trace
                    @ [ "calls:" ]
                    @ calls
                    @ [ "Cachet at the end:" ]
                    @ final
                    @ statuses
                else
                    []
        }

    /// Runs `scenario` against the model of Cachet 2.4.
    let run (scenario: Scenario) (mutant: Mutant) (traced: bool) : RunResult = runOn Cachet2 scenario mutant traced
