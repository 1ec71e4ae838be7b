namespace CachetMonitor.Tests.Simulation

open System
open System.Collections.Generic
open System.Threading.Tasks
open CachetMonitor.Host.Cachet.Api

/// Who made an incident: the monitor (through the API, by the process alive then) or a person (in the dashboard).
type Author =
    | ByMonitor of incarnation: int
    | ByPerson

/// An incident as the model Cachet stores it.
type ModelIncident =
    {
        Id: int
        ComponentId: int
        /// The status the incident gives its component (Cachet 3's impact; on 2.x the status it set with it).
        Impact: int
        Name: string
        mutable Status: int
        mutable Message: string
        mutable Visible: bool
        /// `meta.cachet_monitor`, when the create carried it.
        Tag: string option
        Author: Author
        /// Virtual time the create took effect.
        Landed: int64
    }

    member this.IsOpen = this.Status < 4

    member this.IsOurs =
        match this.Author with
        | ByMonitor _ -> true
        | ByPerson -> false

/// A fault Cachet (or the network before it) can answer a call with.
type Fault =
    /// HTTP 500: nothing happened.
    | ServerError
    /// HTTP 429 with this Retry-After: nothing happened.
    | RateLimited of TimeSpan
    /// No answer within the client's time-out; the write may or may not have taken effect meanwhile.
    | ClientTimeout of landed: bool
    /// The write took effect, then the connection broke before the answer arrived.
    | LostAnswer
    /// HTTP 400: refused for good.
    | BadRequest
    /// HTTP 401: the token was revoked; writes wait and retry until the config gives a valid one.
    | Unauthorized
    /// HTTP 429 from Cachet 3's own rate limiter (its limit a minute reached), with Retry-After: nothing happened.
    | OverLimit of TimeSpan

/// How often each fault strikes a call while faults are switched on (probabilities per call, summing to at most 1).
type FaultRates =
    {
        ServerError: float
        RateLimited: float
        TimedOut: float
        LostAnswer: float
        /// Creates only.
        BadRequest: float
    }

/// One Cachet call, as the model sees it.
type Op =
    | GetComponent of componentId: int
    | GetMetric of metricId: int
    | GetIncidents of componentId: int
    | GetAllIncidents
    | PutStatus of componentId: int * status: int
    | PostIncident of componentId: int * name: string * tag: string option
    | PostUpdate of componentId: int * incidentId: int
    | PostResolve of incidentId: int
    | PostPoint of metricId: int * value: float * unixSeconds: int64

    member this.IsWrite =
        match this with
        | GetComponent _
        | GetMetric _
        | GetIncidents _
        | GetAllIncidents -> false
        | _ -> true

/// What became of a call.
type Fate =
    | Acknowledged
    /// Cachet answered 400 or 404: not to be retried.
    | Refused of reason: string
    /// A transient failure (the caller should retry); whether the write took effect anyway.
    | FailedWith of fault: Fault * tookEffect: bool

/// One call and its fate (`None` while unanswered, or for good when its process was killed first).
type Attempt =
    {
        Seq: int
        Incarnation: int
        Started: int64
        Op: Op
        mutable Fate: Fate option
    }

/// An in-process model of Cachet 2.4 as the monitor uses it (the contract of /work/shared/reference/cachet-api.md,
/// through the live client's calls): component statuses 0–4; incidents with name, status, visibility, component and
/// the monitor's `meta` tag; `POST /incidents` sets the component's status to `component_status`; an update
/// (`POST /incidents/{id}/updates`) sets only the incident's status, also on a resolved incident, and leaves the
/// component alone; a resolve of a missing incident answers "gone"; 404 for unknown components, metrics and
/// incidents; a write with a token Cachet no longer accepts gets 401, a read is a guest's (visible incidents only).
/// Every call takes virtual time; while faults are on, the seeded `random` picks a fault per call. A
/// write's effect is work of the world (it lands even if the caller's process dies meanwhile), its answer work of
/// the caller's process. Every call is recorded with its fate.
/// With `cachet3`, the world follows Cachet 3 (reference/cachet-3-api.md) where it differs: a person's incident
/// attaches an impact and leaves the component's own status alone, and people may set statuses 5 (unknown) and 6
/// (under maintenance); the 3.x wire (ModelCachet3.fs) speaks its HTTP API over this state, through `CallAs`.
type ModelCachet
    (loop: SimLoop, random: Random, componentIds: int list, metricIds: int list, listsAll: bool, cachet3: bool) =
    let simThread = Environment.CurrentManagedThreadId
    let statuses = Dictionary<int, int>()
    let metrics = HashSet<int>(metricIds)
    let incidents = SortedDictionary<int, ModelIncident>()
    let attempts = ResizeArray<Attempt>()
    let points = ResizeArray<int * float * int64>()
    let violations = ResizeArray<string>()
    let unlanded = ResizeArray<SimItem * bool ref>()
    let people = ResizeArray<ModelIncident>()
    let mutable nextIncident = 1
    let mutable incarnationStarted = 0L
    let mutable lateDuplicates = 0

    do
        for id in componentIds do
            statuses[id] <- 1

    let clientTimeout = Ticks.ofSeconds 30.0

    let notFound what =
        CachetApiException(CachetApiErrorKind.NotFound, $"{what} not found (model)", statusCode = 404) :> exn

    let exceptionOf fault : exn =
        match fault with
        | ServerError -> CachetApiException(CachetApiErrorKind.ServerError, "Cachet failed with HTTP 500 (model)", 500)
        | RateLimited wait
        | OverLimit wait ->
            CachetApiException(
                CachetApiErrorKind.RateLimited,
                "Cachet is rate limiting requests (model)",
                statusCode = 429,
                retryAfter = wait
            )
        | ClientTimeout _ -> CachetApiException(CachetApiErrorKind.Timeout, "Cachet did not answer in time (model)")
        | LostAnswer ->
            CachetApiException(CachetApiErrorKind.Transport, "Cachet is unreachable: connection reset (model)")
        | BadRequest -> CachetApiException(CachetApiErrorKind.BadRequest, "Cachet refused the request (model)", 400)
        | Unauthorized ->
            CachetApiException(CachetApiErrorKind.Unauthorized, "Cachet rejected the API token (model)", 401)

    // Open incidents of ours per component, kept as incidents open and close (read at every step).
    let openCount = Dictionary<int, int>()

    let count componentId delta =
        openCount[componentId] <-
            (match openCount.TryGetValue componentId with
             | true, n -> n
             | _ -> 0)
            + delta

    let setStatus (incident: ModelIncident) status =
        if incident.IsOurs && incident.IsOpen <> (status < 4) then
            count incident.ComponentId (if status < 4 then 1 else -1)

        incident.Status <- status

    let openOurs componentId =
        incidents.Values
        |> Seq.filter (fun i -> i.ComponentId = componentId && i.IsOpen && i.IsOurs)
        |> Seq.toList

    /// Never two open incidents of ours on a component — unless one was created by a process that was killed and
    /// landed after the current one had read Cachet (it is resolved as a stray at the next resync).
    let checkDuplicates componentId =
        match openOurs componentId with
        | _ :: _ :: _ as ours ->
            let late =
                ours
                |> List.exists (fun i ->
                    match i.Author with
                    | ByMonitor incarnation -> incarnation < loop.Incarnation && i.Landed >= incarnationStarted
                    | ByPerson -> false)

            if late then
                lateDuplicates <- lateDuplicates + 1
            else
                let ids = ours |> List.map (fun i -> string i.Id) |> String.concat ", "

                violations.Add
                    $"{Ticks.render loop.Now}: two open incidents of ours on component {componentId} (#{ids})"
        | _ -> ()

    let touch (incident: ModelIncident) what =
        if not incident.IsOurs then
            violations.Add
                $"{Ticks.render loop.Now}: the monitor {what} the person's incident #{incident.Id} on component {incident.ComponentId}"

    /// A new incident, open (status 1, Investigating); its id.
    let opened componentId impact name message visible tag author =
        let id = nextIncident
        nextIncident <- id + 1

        incidents[id] <-
            {
                Id = id
                ComponentId = componentId
                Impact = impact
                Name = name
                Status = 1
                Message = message
                Visible = visible
                Tag = tag
                Author = author
                Landed = loop.Now
            }

        if incidents[id].IsOurs then
            count componentId 1

        id

    let toApi (i: ModelIncident) =
        CachetIncident(
            IncidentId i.Id,
            i.Name,
            i.Status,
            Nullable(ComponentId i.ComponentId),
            i.Visible,
            i.Message,
            Option.toObj i.Tag
        )

    // The token of the call being made, and whether the read taking effect is a guest's (an unknown token on a GET
    // is a guest, who sees visible incidents only).
    let mutable caller = ""
    let mutable guest = false

    let unresolved (filter: ModelIncident -> bool) : IReadOnlyList<CachetIncident> =
        incidents.Values
        |> Seq.filter (fun i -> i.IsOpen && (i.Visible || not guest) && filter i)
        |> Seq.sortByDescending (fun i -> i.Id)
        |> Seq.map toApi
        |> ResizeArray
        :> _

    let drawFault (op: Op) (rates: FaultRates option) =
        match rates with
        | None -> None
        | Some r ->
            let u = random.NextDouble()
            let mutable edge = r.ServerError

            if u < edge then
                Some ServerError
            else
                edge <- edge + r.RateLimited

                if u < edge then
                    Some(RateLimited(TimeSpan.FromSeconds(float (random.Next(1, 61)))))
                else
                    edge <- edge + r.TimedOut

                    if u < edge then
                        Some(ClientTimeout(random.Next 2 = 0))
                    else
                        edge <- edge + r.LostAnswer

                        if u < edge then
                            Some LostAnswer
                        else
                            // A 400 is for good: Cachet refuses the same input again. Only a create's input can be
                            // refused this way (a title Cachet will not take); a status or resolve never is.
                            match op with
                            | PostIncident _ when u < edge + r.BadRequest -> Some BadRequest
                            | _ -> None

    /// A 2.x call's fate and answer: the effect's result, or the fault as the live 2.x client throws it.
    member private _.Thrown<'T>(fault: Fault option, result: Result<'T, exn> option) : Fate * Result<'T, exn> =
        match fault, result with
        | None, Some(Ok value) -> Acknowledged, Ok value
        | None, Some(Error e) -> Refused e.Message, Error e
        | Some BadRequest, _ ->
            let refusal = exceptionOf BadRequest
            Refused refusal.Message, Error refusal
        | Some fault, _ -> FailedWith(fault, result.IsSome), Error(exceptionOf fault)
        | None, None -> failwith "an answer without its effect"

    /// One call: `effect` runs when the call takes effect (a read's snapshot, a write's change) and gives the answer.
    member private this.Call<'T>(op: Op, effect: unit -> Result<'T, exn>) : Task<'T> =
        this.Answer(op, effect, (fun fault result -> this.Thrown(fault, result)), None)

    /// One call made with `token` (3.x: the wire's), answered by `answering` from the fault drawn (or `preempted`,
    /// Cachet 3's limiter) and the effect's result.
    member internal this.CallAs<'T>
        (
            token: string,
            op: Op,
            effect: unit -> Result<'T, exn>,
            answering: Fault option -> Result<'T, exn> option -> Fate * Result<'T, exn>,
            preempted: Fault option
        ) : Task<'T> =
        caller <- token
        this.Answer(op, effect, answering, preempted)

    member private this.Answer<'T>
        (
            op: Op,
            effect: unit -> Result<'T, exn>,
            answering: Fault option -> Result<'T, exn> option -> Fate * Result<'T, exn>,
            preempted: Fault option
        ) : Task<'T> =
        if Environment.CurrentManagedThreadId <> simThread then
            violations.Add
                $"{Ticks.render loop.Now}: {op} called from thread {Environment.CurrentManagedThreadId}, not the simulation's"

        let attempt =
            {
                Seq = attempts.Count
                Incarnation = loop.Incarnation
                Started = loop.Now
                Op = op
                Fate = None
            }

        attempts.Add attempt
        this.OnCall attempt
        let start = loop.Now
        let latency = Ticks.ofSeconds (0.002 + random.NextDouble() * 0.3)
        let authorized = caller = this.Token

        let fault =
            if preempted.IsSome then preempted
            elif op.IsWrite && not authorized then Some Unauthorized
            else drawFault op this.Faults

        let effect () =
            guest <- not authorized

            try
                effect ()
            finally
                guest <- false

        let answerAt, effectAt =
            match fault with
            | Some(ClientTimeout landed) ->
                start + clientTimeout,
                (if landed then
                     Some(start + int64 (random.NextDouble() * float clientTimeout))
                 else
                     None)
            | Some ServerError
            | Some(RateLimited _)
            | Some(OverLimit _)
            | Some BadRequest
            | Some Unauthorized -> start + latency, None
            | Some LostAnswer
            | None -> start + latency, Some(start + latency)

        let result: Result<'T, exn> option ref = ref None

        match effectAt with
        | Some at ->
            let landed = ref false

            let item =
                loop.At(
                    at,
                    0,
                    fun () ->
                        landed.Value <- true
                        result.Value <- Some(effect ())
                )

            if unlanded.Count > 256 then
                unlanded.RemoveAll(fun (_, landed) -> landed.Value) |> ignore

            unlanded.Add((item, landed))
        | None -> ()

        let answer = TaskCompletionSource<'T>()

        loop.At(
            answerAt,
            loop.Incarnation,
            fun () ->
                let fate, outcome = answering fault result.Value
                attempt.Fate <- Some fate

                match outcome with
                | Ok value -> answer.SetResult value
                | Error e -> answer.SetException e
        )
        |> ignore

        answer.Task

    /// The faults striking calls now (`None`: Cachet behaves).
    member val Faults: FaultRates option = None with get, set

    /// Told of every call as it is made (the world may act while it is in flight).
    member val OnCall: Attempt -> unit = ignore with get, set

    /// The API token Cachet accepts now.
    member val Token = "token-1" with get, set

    /// The API as a client calls it with the token in `token` (read at each call: a reload may change it).
    member this.Client(token: string ref) : ICachetApi =
        let api = this :> ICachetApi

        let call (work: unit -> 'T) =
            caller <- token.Value
            work ()

        { new ICachetApi with
            member _.GetComponentAsync(id, ct) =
                call (fun () -> api.GetComponentAsync(id, ct))

            member _.GetMetricAsync(id, ct) =
                call (fun () -> api.GetMetricAsync(id, ct))

            member _.FindOpenIncidentAsync(componentId, ct) =
                call (fun () -> api.FindOpenIncidentAsync(componentId, ct))

            member _.ListUnresolvedIncidentsAsync(componentId, ct) =
                call (fun () -> api.ListUnresolvedIncidentsAsync(componentId, ct))

            member _.ListAllUnresolvedIncidentsAsync(ct) =
                call (fun () -> api.ListAllUnresolvedIncidentsAsync(ct))

            member _.SetComponentStatusAsync(componentId, status, ct) =
                call (fun () -> api.SetComponentStatusAsync(componentId, status, ct))

            member _.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct) =
                call (fun () -> api.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct))

            member _.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct) =
                call (fun () -> api.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct))

            member _.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct) =
                call (fun () ->
                    api.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct))

            member _.ResolveIncidentAsync(incidentId, message, visible, ct) =
                call (fun () -> api.ResolveIncidentAsync(incidentId, message, visible, ct))

            member _.PushMetricPointAsync(metricId, value, unixSeconds, ct) =
                call (fun () -> api.PushMetricPointAsync(metricId, value, unixSeconds, ct))
        }

    /// Every call so far, in the order made.
    member _.Attempts = attempts :> IReadOnlyList<Attempt>

    /// Broken rules seen as they happened (a foreign incident written, a duplicate, a call off the loop's thread).
    member _.Violations = violations :> IReadOnlyList<string>

    /// Duplicates made by a killed process's create landing after its successor read Cachet (allowed, transient).
    member _.LateDuplicates = lateDuplicates

    member _.StatusOf componentId = statuses[componentId]

    member _.Incidents = incidents.Values |> Seq.toList

    member _.OpenOurs componentId = openOurs componentId

    /// How many incidents of ours are open on the component (cheap: kept up to date).
    member _.OpenOursCount componentId =
        match openCount.TryGetValue componentId with
        | true, n -> n
        | _ -> 0

    /// Whether a person's incident is open on the component.
    member _.ForeignOpen componentId =
        people |> Seq.exists (fun i -> i.ComponentId = componentId && i.IsOpen)

    member _.Points = points :> IReadOnlyList<_>

    /// A process was killed: each of its writes that has not reached Cachet yet is lost or still lands, at random.
    member _.Kill() =
        for item, landed in unlanded do
            if not landed.Value && not item.Cancelled && random.Next 2 = 0 then
                item.Cancelled <- true

        unlanded.Clear()

    /// A new process starts now (its reads see what landed until then).
    member _.ProcessStarted() = incarnationStarted <- loop.Now

    /// A person opens an incident on a component in the dashboard, setting the component's status with it.
    /// On Cachet 3 the incident attaches `componentStatus` as its impact; the component's own status stays.
    member _.PersonOpens(componentId: int, componentStatus: int, name: string) =
        let id =
            opened componentId componentStatus name "A person is looking into it" true None ByPerson

        people.Add incidents[id]

        if not cachet3 then
            statuses[componentId] <- componentStatus

        id

    /// An incident of ours an earlier process (or version) left unresolved on the component, tagged as ours.
    member _.Leftover(componentId: int, name: string) =
        let id =
            opened componentId 4 name "Left by an earlier process" true (Some(string componentId)) (ByMonitor 0)

        incidents[id] <- { incidents[id] with Landed = -1L }

    /// A person marks an incident fixed.
    member _.PersonResolves(incidentId: int) =
        match incidents.TryGetValue incidentId with
        | true, incident -> setStatus incident 4
        | _ -> ()

    /// A person sets a component's status.
    /// On Cachet 3, "unknown" is 5, and a person may also put the component under maintenance (6).
    member _.PersonSetsStatus(componentId: int, status: int) =
        statuses[componentId] <-
            if cachet3 && status = 0 then
                (if random.Next 2 = 0 then 5 else 6)
            else
                status

    // What the Cachet 3 wire (ModelCachet3.fs) reads and changes: the same world, spoken to over HTTP.

    member internal _.Statuses = statuses

    member internal _.HasMetric(metricId: int) = metrics.Contains metricId

    member internal _.FindIncident(incidentId: int) =
        match incidents.TryGetValue incidentId with
        | true, incident -> Some incident
        | _ -> None

    /// A create taking effect: a new incident of the process `incarnation` (the one that made the call).
    member internal _.Open(componentId, impact, name, message, visible, tag, incarnation) =
        let id = opened componentId impact name message visible tag (ByMonitor incarnation)
        checkDuplicates componentId
        id

    /// An incident update taking effect: the incident's status follows it (an update of 4 resolves it).
    member internal _.Update(incident: ModelIncident, status: int, message: string) =
        touch incident (if status = 4 then "resolved" else "updated")
        setStatus incident status
        incident.Message <- message
        checkDuplicates incident.ComponentId

    member internal _.AddPoint(metricId: int, value: float, unixSeconds: int64) =
        points.Add((metricId, value, unixSeconds))

    member internal _.Violation(text: string) =
        violations.Add $"{Ticks.render loop.Now}: {text}"

    /// Unresolved incidents as the call taking effect may see them (a guest: public ones only), newest first.
    member internal _.Unresolved() =
        incidents.Values
        |> Seq.filter (fun i -> i.IsOpen && (i.Visible || not guest))
        |> Seq.sortByDescending (fun i -> i.Id)
        |> List.ofSeq

    interface ICachetApi with
        member this.GetComponentAsync(typed: ComponentId, _) =
            let id = typed.Value

            this.Call(
                GetComponent id,
                fun () ->
                    match statuses.TryGetValue id with
                    | true, status -> Ok(CachetComponent(ComponentId id, $"component {id}", status, true, ""))
                    | _ -> Error(notFound $"component {id}")
            )

        member this.GetMetricAsync(typed: MetricId, _) =
            let id = typed.Value

            this.Call(
                GetMetric id,
                fun () ->
                    if metrics.Contains id then
                        Ok(CachetMetric(MetricId id, $"metric {id}", "ms", 5))
                    else
                        Error(notFound $"metric {id}")
            )

        member this.FindOpenIncidentAsync(typed: ComponentId, _) =
            let componentId = typed.Value

            this.Call<CachetIncident | null>(
                GetIncidents componentId,
                fun () ->
                    let found = unresolved (fun i -> i.ComponentId = componentId)
                    Ok(if found.Count = 0 then null else found[0])
            )

        member this.ListUnresolvedIncidentsAsync(typed: ComponentId, _) =
            let componentId = typed.Value
            this.Call(GetIncidents componentId, (fun () -> Ok(unresolved (fun i -> i.ComponentId = componentId))))

        member this.ListAllUnresolvedIncidentsAsync(_) =
            if listsAll then
                this.Call<IReadOnlyList<CachetIncident> | null>(
                    GetAllIncidents,
                    fun () -> Ok(unresolved (fun _ -> true))
                )
            else
                Task.FromResult null

        member this.SetComponentStatusAsync(typed: ComponentId, status, _) =
            let componentId = typed.Value

            this.Call(
                PutStatus(componentId, status),
                fun () ->
                    if status < 0 || status > 4 then
                        Error(exceptionOf BadRequest)
                    elif statuses.ContainsKey componentId then
                        statuses[componentId] <- status
                        Ok()
                    else
                        Error(notFound $"component {componentId}")
            )
            :> Task

        member this.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct) =
            (this :> ICachetApi).CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct)

        member this.CreateIncidentAsync(name, message, typed: ComponentId, componentStatus, visible, tag, _) =
            let componentId = typed.Value
            let tag = Option.ofObj tag
            let caller = loop.Incarnation

            this.Call(
                PostIncident(componentId, name, tag),
                fun () ->
                    if String.IsNullOrWhiteSpace name || componentStatus < 0 || componentStatus > 4 then
                        Error(exceptionOf BadRequest)
                    else
                        let id =
                            opened componentId componentStatus name message visible tag (ByMonitor caller)

                        if statuses.ContainsKey componentId then
                            statuses[componentId] <- componentStatus

                        checkDuplicates componentId
                        Ok(IncidentId id)
            )

        member this.UpdateIncidentAsync(typed: IncidentId, _, message, typedComponent: ComponentId, _, _, _) =
            let incidentId = typed.Value
            let componentId = typedComponent.Value

            this.Call(
                PostUpdate(componentId, incidentId),
                fun () ->
                    match incidents.TryGetValue incidentId with
                    | true, incident ->
                        touch incident "updated"
                        // POST /incidents/{id}/updates with status 1: a resolved incident is open again.
                        setStatus incident 1
                        incident.Message <- message
                        checkDuplicates incident.ComponentId
                        Ok()
                    | _ -> Error(notFound $"incident {incidentId}")
            )
            :> Task

        member this.ResolveIncidentAsync(typed: IncidentId, message, _, _) =
            let incidentId = typed.Value

            this.Call(
                PostResolve incidentId,
                fun () ->
                    match incidents.TryGetValue incidentId with
                    | true, incident ->
                        touch incident "resolved"
                        setStatus incident 4
                        incident.Message <- message
                        Ok true
                    | _ -> Ok false
            )

        member this.PushMetricPointAsync(typed: MetricId, value, unixSeconds, _) =
            let metricId = typed.Value

            this.Call(
                PostPoint(metricId, value, unixSeconds),
                fun () ->
                    if metrics.Contains metricId then
                        points.Add((metricId, value, unixSeconds))
                        Ok()
                    else
                        Error(notFound $"metric {metricId}")
            )
            :> Task
