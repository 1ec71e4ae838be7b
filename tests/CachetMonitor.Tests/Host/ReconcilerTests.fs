/// The Cachet reconciler (EndpointMonitor, EndpointSync, CachetWriteGate, Backoff, CachetSyncService) against the
/// real client and the fake Cachet on 127.0.0.1, and against a scripted Cachet that fails, holds or loses answers.
module CachetMonitor.Tests.Host.ReconcilerTests

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.Tests.Support.ComponentHarness
open FsCheck
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging
open Microsoft.Extensions.Logging.Abstractions
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Scheduling
open CachetMonitor.Tests.Host.FakeCachetTests.Wire
open CachetMonitor.Tests.Host.SchedulerTests.Harness

/// One call as the scripted Cachet received it.
type Call =
    | ReadComponent of componentId: int
    | ReadMetric of metricId: int
    | FindOpen of componentId: int
    | SetStatus of componentId: int * status: int
    | Create of componentId: int * componentStatus: int
    | Update of incidentId: int * componentStatus: int
    | Resolve of incidentId: int
    | Push of metricId: int * value: float * unixSeconds: int64

/// A scripted Cachet: every call is recorded, waits for `Hold` and `Latency`, may fail before taking effect
/// (`FailBefore`) or after it (`FailAfter`: the effect happened, the answer is lost), and otherwise goes to `inner`
/// (the real client of a fake Cachet) or, without one, to a small in-memory Cachet (components start operational).
type ScriptedCachet(inner: ICachetApi option) =
    let gate = obj ()
    let attempts = ResizeArray<Call>()
    let acknowledged = ResizeArray<Call>()
    let statuses = Dictionary<int, int>()
    let incidents = ResizeArray<CachetIncident>()
    let mutable inFlight = 0
    let mutable maxInFlight = 0

    /// An in-memory Cachet.
    new() = ScriptedCachet None

    /// Decides whether a call fails before it takes effect.
    member val FailBefore: Call -> exn option = (fun _ -> None) with get, set

    /// Decides whether a call that took effect loses its answer.
    member val FailAfter: Call -> exn option = (fun _ -> None) with get, set

    /// Every call waits for this task first.
    member val Hold: Task = Task.CompletedTask with get, set

    /// Every call takes this long.
    member val Latency = TimeSpan.Zero with get, set

    /// Every call received, oldest first.
    member _.Attempts = lock gate (fun () -> List.ofSeq attempts)

    /// The calls that took effect and were answered, oldest first.
    member _.Acknowledged = lock gate (fun () -> List.ofSeq acknowledged)

    /// The most calls that were in flight at once.
    member _.MaxInFlight = lock gate (fun () -> maxInFlight)

    /// The in-memory component status (1 when never set).
    member _.StatusOf componentId =
        lock gate (fun () ->
            match statuses.TryGetValue componentId with
            | true, status -> status
            | _ -> 1)

    /// The in-memory incidents, oldest first.
    member _.Incidents = lock gate (fun () -> List.ofSeq incidents)

    member private this.Run<'T>(call: Call, apply: unit -> Task<'T>) : Task<'T> =
        task {
            lock gate (fun () ->
                attempts.Add call
                inFlight <- inFlight + 1
                maxInFlight <- max maxInFlight inFlight)

            try
                do! this.Hold

                if this.Latency > TimeSpan.Zero then
                    do! Task.Delay this.Latency

                match this.FailBefore call with
                | Some e -> return raise e
                | None ->
                    let! result = apply ()

                    match this.FailAfter call with
                    | Some e -> return raise e
                    | None ->
                        lock gate (fun () -> acknowledged.Add call)
                        return result
            finally
                lock gate (fun () -> inFlight <- inFlight - 1)
        }

    member private _.Memory<'T>(apply: unit -> 'T) : unit -> Task<'T> =
        fun () -> Task.FromResult(lock gate apply)

    member private _.Memory(apply: unit -> unit) : unit -> Task<bool> =
        fun () ->
            lock gate apply
            Task.FromResult true

    interface ICachetApi with
        member this.GetComponentAsync(typed: ComponentId, ct) =
            let id = typed.Value

            this.Run(
                ReadComponent id,
                match inner with
                | Some api -> fun () -> api.GetComponentAsync(typed, ct)
                | None ->
                    fun () -> Task.FromResult(CachetComponent(typed, $"component {id}", this.StatusOf id, true, ""))
            )

        member this.GetMetricAsync(typed: MetricId, ct) =
            let id = typed.Value

            this.Run(
                ReadMetric id,
                match inner with
                | Some api -> fun () -> api.GetMetricAsync(typed, ct)
                | None -> fun () -> Task.FromResult(CachetMetric(typed, $"metric {id}", "ms", 5))
            )

        member this.FindOpenIncidentAsync(typed: ComponentId, ct) =
            let componentId = typed.Value

            this.Run(
                FindOpen componentId,
                match inner with
                | Some api -> fun () -> api.FindOpenIncidentAsync(typed, ct)
                | None ->
                    this.Memory(fun () ->
                        incidents
                        |> Seq.filter (fun i -> i.ComponentId = Nullable typed && i.Status < 4)
                        |> Seq.sortByDescending _.Id
                        |> Seq.tryHead
                        |> Option.toObj)
            )

        member this.SetComponentStatusAsync(typed: ComponentId, status, ct) =
            let componentId = typed.Value

            this.Run(
                SetStatus(componentId, status),
                match inner with
                | Some api ->
                    fun () ->
                        task {
                            do! api.SetComponentStatusAsync(typed, status, ct)
                            return true
                        }
                | None -> this.Memory(fun () -> statuses[componentId] <- status)
            )

        member this.CreateIncidentAsync(name, message, typed: ComponentId, componentStatus, visible, ct) =
            let componentId = typed.Value

            this.Run(
                Create(componentId, componentStatus),
                match inner with
                | Some api -> fun () -> api.CreateIncidentAsync(name, message, typed, componentStatus, visible, ct)
                | None ->
                    this.Memory(fun () ->
                        let id = IncidentId(incidents.Count + 1)
                        incidents.Add(CachetIncident(id, name, 1, Nullable typed, visible, message))
                        statuses[componentId] <- componentStatus
                        id)
            )

        member this.UpdateIncidentAsync(typed: IncidentId, name, message, componentId, componentStatus, visible, ct) =
            let incidentId = typed.Value

            this.Run(
                Update(incidentId, componentStatus),
                match inner with
                | Some api ->
                    fun () ->
                        task {
                            do! api.UpdateIncidentAsync(typed, name, message, componentId, componentStatus, visible, ct)

                            return true
                        }
                | None -> this.Memory(fun () -> ())
            )

        member this.ResolveIncidentAsync(typed: IncidentId, message, visible, ct) =
            let incidentId = typed.Value

            this.Run(
                Resolve incidentId,
                match inner with
                | Some api -> fun () -> api.ResolveIncidentAsync(typed, message, visible, ct)
                | None ->
                    this.Memory(fun () ->
                        match incidents |> Seq.tryFindIndex (fun i -> i.Id = typed) with
                        | Some at ->
                            let i = incidents[at]
                            incidents[at] <- CachetIncident(i.Id, i.Name, 4, i.ComponentId, i.Visible, message)
                            true
                        | None -> false)
            )

        member this.PushMetricPointAsync(typed: MetricId, value, unixSeconds, ct) =
            let metricId = typed.Value

            this.Run(
                Push(metricId, value, unixSeconds),
                match inner with
                | Some api ->
                    fun () ->
                        task {
                            do! api.PushMetricPointAsync(typed, value, unixSeconds, ct)
                            return true
                        }
                | None -> this.Memory(fun () -> ())
            )

/// A test whose body is a task (`use` in it then takes any IDisposable).
let private test name (body: unit -> Task<unit>) = testTask name { do! body () }

/// A failure worth retrying (a 5xx).
let private transient () =
    CachetApiException(CachetApiErrorKind.ServerError, "Cachet failed with HTTP 500 (scripted)", Nullable 500) :> exn

let private ms (n: float) = TimeSpan.FromMilliseconds n

/// Write options with quick retries, so tests converge fast.
let private quick =
    CachetWriteOptions(InitialBackoff = ms 5.0, MaxBackoff = ms 40.0)

/// An endpoint on component 1 with these `action`s and extra YAML lines (allowed_fails 0 unless set).
let private endpointWith (actions: string list) (extra: string list) =
    endpointAt "http://127.0.0.1:1/health" ([ "action:" ] @ (actions |> List.map (fun a -> $"  - {a}")) @ extra)

/// A monitor of `endpoint` writing to `cachet` through its own gate.
let private monitorOn (cachet: ICachetApi) (options: CachetWriteOptions) (endpoint: Endpoint) =
    monitorWith cachet options (new CachetWriteGate(options)) NullLogger.Instance endpoint

/// Feeds verdicts to a monitor as checks would.
let private feed (monitor: EndpointMonitor) verdicts =
    verdicts
    |> List.iteri (fun i verdict -> monitor.OnVerdict(verdict, 1_700_000_000L + int64 i))

/// Waits until the monitor's Cachet side has nothing left to write.
let private settled (monitor: EndpointMonitor) =
    waitFor "every Cachet write is acknowledged" (fun () -> monitor.Component.Pending = 0)

/// A client of the fake with the registered token.
let private clientOf (fake: FakeCachet) =
    CachetClient(http, fake.BaseUrl, token) :> ICachetApi

/// Requests that changed something (not GETs), as "METHOD /path" below /api/v1.
let private writesTo (fake: FakeCachet) =
    fake.Requests
    |> Seq.filter (fun r -> r.Method <> "GET")
    |> Seq.map (fun r -> $"{r.Method} {r.Path.Substring 7}")
    |> List.ofSeq

let private statusOf (fake: FakeCachet) id = (componentOf fake id).Status

let private up = Nullable<int>()

/// After a passing check, incident 1 is fixed, still the only incident, and component 1 is operational again.
let private expectResolved (fake: FakeCachet) (monitor: EndpointMonitor) =
    task {
        feed monitor [ passed ]
        do! settled monitor
        Expect.equal (incidentOf fake 1).Status 4 "incident 1 is the one resolved"
        Expect.equal fake.Incidents.Count 1 "no incident duplicated"
        Expect.equal (statusOf fake 1) 1 "operational again"
    }

let private inOrder =
    test "incident writes wait for the one in flight and then write the current truth: open, then resolve" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                // The create answers slowly: by its answer the endpoint has gone major and recovered, so the
                // severity change is never written, only the resolve.
                fake.FailNext(CachetFault.Delayed(ms 200.0), 1, "POST", "/incidents")

                let monitor =
                    monitorOn (clientOf fake) quick (endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] [])

                adopt monitor (Operational) (up)
                feed monitor [ failed Partial; failed Major; passed ]
                do! settled monitor

                let incidentWrites = writesTo fake |> List.filter (fun w -> w.Contains "/incidents")

                Expect.equal incidentWrites [ "POST /incidents"; "POST /incidents/1/updates" ] "open, resolve"

                let incident = incidentOf fake 1

                Expect.equal (incident.Updates |> Seq.map _.Status |> List.ofSeq) [ 4 ] "fixed"

                Expect.equal incident.Status 4 "resolved"
                Expect.equal fake.Incidents.Count 1 "one incident"
                Expect.equal (statusOf fake 1) 1 "operational again"
            }))

/// An UPDATE_STATUS monitor on a fresh in-memory scripted Cachet, its component adopted as operational.
let private statusMonitorOnScripted () =
    let cachet = ScriptedCachet()
    let monitor = monitorOn cachet quick (endpointWith [ "UPDATE_STATUS" ] [])
    adopt monitor (Operational) (up)
    cachet, monitor

let private refusedStatusKeepsNewer =
    test "a status Cachet refuses with 400 is dropped, not the newer status wanted while it was in flight" (fun () ->
        task {
            let cachet, monitor = statusMonitorOnScripted ()
            let release = TaskCompletionSource()
            cachet.Hold <- release.Task

            cachet.FailBefore <-
                function
                | SetStatus(_, 3) ->
                    Some(
                        CachetApiException(
                            CachetApiErrorKind.BadRequest,
                            "The status field is invalid (scripted)",
                            Nullable 400
                        )
                        :> exn
                    )
                | _ -> None

            feed monitor [ failed Partial ]
            do! waitFor "the partial status is in flight" (fun () -> cachet.Attempts = [ SetStatus(1, 3) ])
            // While it is held, the check gets worse: major outage is now wanted.
            feed monitor [ failed Major ]
            release.SetResult()
            do! settled monitor
            Expect.equal cachet.Acknowledged [ SetStatus(1, 4) ] "the newer status is still written"
            Expect.equal (cachet.StatusOf 1) 4 "Cachet shows the major outage"
        })

let private lastWriterWins =
    test "while Cachet is down several status changes collapse into the last one, written once" (fun () ->
        task {
            let cachet, monitor = statusMonitorOnScripted ()
            cachet.FailBefore <- fun _ -> Some(transient ())
            feed monitor [ failed Partial ]
            do! waitFor "a write has failed" (fun () -> cachet.Attempts.Length >= 2)
            feed monitor [ failed Major; failed Performance ]
            do! waitFor "the newest status is being retried" (fun () -> List.last cachet.Attempts = SetStatus(1, 2))
            cachet.FailBefore <- fun _ -> None
            do! settled monitor
            Expect.equal cachet.Acknowledged [ SetStatus(1, 2) ] "only the final status is written, once"
            Expect.equal (cachet.StatusOf 1) 2 "Cachet shows it"
        })

/// A status write took effect but its answer was `how` (lost or garbled by `answer ()`); meanwhile the endpoint
/// recovered: Cachet must end operational again.
let private ambiguousStatus (how: string) (answer: unit -> exn) =
    test
        $"a status write whose answer was {how} is re-applied even when the wanted status returns to the old one"
        (fun () ->
            task {
                let cachet = ScriptedCachet()
                let monitor = monitorOn cachet quick (endpointWith [ "UPDATE_STATUS" ] [])
                let mutable lost = 0
                // The first PUT takes effect but its answer is lost; meanwhile the endpoint recovers.
                cachet.FailAfter <-
                    fun call ->
                        match call with
                        | SetStatus(_, 3) when Interlocked.Exchange(&lost, 1) = 0 ->
                            feed monitor [ passed ]
                            Some(answer ())
                        | _ -> None

                adopt monitor (Operational) (up)
                feed monitor [ failed Partial ]
                do! waitFor "the lost write happened" (fun () -> lost = 1)
                do! settled monitor
                do! waitFor "Cachet shows operational again" (fun () -> cachet.StatusOf 1 = 1)
            })

let private ambiguousCreate =
    test "a create whose answer was lost is retried by adopting the incident it made, never duplicating it" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                let cachet = ScriptedCachet(Some(clientOf fake))
                let mutable lost = 0

                cachet.FailAfter <-
                    fun call ->
                        match call with
                        | Create _ when Interlocked.Exchange(&lost, 1) = 0 -> Some(transient ())
                        | _ -> None

                let monitor =
                    monitorOn cachet quick (endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] [])

                adopt monitor (Operational) (up)
                feed monitor [ failed Partial ]
                do! settled monitor
                Expect.equal fake.Incidents.Count 1 "one incident in Cachet"

                Expect.equal
                    (monitor.Component.State.Incident |> Option.bind _.Id)
                    (Some 1)
                    "the retry adopted incident 1"

                Expect.equal (cachet.Attempts |> List.filter _.IsCreate |> List.length) 1 "never created twice"
                Expect.contains cachet.Attempts (FindOpen 1) "the retry looked for what the first attempt made"
                do! expectResolved fake monitor
            }))

let private badRequest =
    test "a 400 drops only the write Cachet refused; the status and metric writes still go through" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                let metric = fake.AddMetric "latency"
                fake.FailNext(CachetFault.Status 400, 1, "POST", "/incidents")

                let monitor =
                    monitorOn
                        (clientOf fake)
                        quick
                        (endpointWith
                            [ "UPDATE_STATUS"; "CREATE_INCIDENT"; "PUSH_METRICS" ]
                            [ $"metric_id: {metric.Id}" ])

                adopt monitor (Operational) (up)
                feed monitor [ failed Partial ]
                do! settled monitor
                Expect.isEmpty fake.Incidents "the refused incident is not retried"
                Expect.equal (statusOf fake 1) 3 "the status still went through"
                Expect.equal fake.MetricPoints.Count 1 "the metric point still went through"
                feed monitor [ passed ]
                do! settled monitor
                Expect.equal (statusOf fake 1) 1 "later writes proceed"
                Expect.equal fake.MetricPoints.Count 2 "and later points"
            }))

let private unauthorized =
    test "a rejected token keeps the writes waiting with backoff until Cachet accepts it" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                let rotated = "rotated-token-91"
                let client = CachetClient(http, fake.BaseUrl, rotated)

                let options = CachetWriteOptions(InitialBackoff = ms 20.0, MaxBackoff = ms 80.0)

                let monitor = monitorOn client options (endpointWith [ "UPDATE_STATUS" ] [])
                adopt monitor (Operational) (up)
                feed monitor [ failed Partial ]

                let puts () =
                    fake.Requests |> Seq.filter (fun r -> r.Method = "PUT") |> List.ofSeq

                do! waitFor "three rejected attempts" (fun () -> (puts ()).Length >= 3)
                let rejected = puts () |> List.take 3

                for a, b in List.pairwise rejected do
                    Expect.isGreaterThanOrEqual (b.Time - a.Time) (ms 15.0) "retries back off"

                Expect.equal (statusOf fake 1) 1 "nothing written yet"
                Expect.equal monitor.Component.Pending 1 "the status still waits"
                fake.AddToken rotated
                do! settled monitor
                Expect.equal (statusOf fake 1) 3 "written once the token is accepted"
                let writes = (puts ()).Length
                do! Task.Delay 150
                Expect.equal (puts ()).Length writes "and not again"
            }))

let private retryAfter =
    test "a 429 with Retry-After: 1 holds the next attempt back for a second" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                fake.FailFor(CachetFault.RateLimited "1", ms 500.0, "PUT", "/components")
                let monitor = monitorOn (clientOf fake) quick (endpointWith [ "UPDATE_STATUS" ] [])
                adopt monitor (Operational) (up)
                feed monitor [ failed Partial ]
                do! waitFor "the status is written" (fun () -> statusOf fake 1 = 3)
                let puts = fake.Requests |> Seq.filter (fun r -> r.Method = "PUT") |> List.ofSeq
                Expect.equal puts.Length 2 "one attempt inside the rate-limited second, then the one that worked"
                Expect.isGreaterThanOrEqual (puts[1].Time - puts[0].Time) (ms 950.0) "the retry waited as asked"
            }))

let private pushedPoints (cachet: ScriptedCachet) =
    cachet.Acknowledged
    |> List.choose (fun call ->
        match call with
        | Push(_, value, at) -> Some(value, at)
        | _ -> None)

/// A PUSH_METRICS endpoint (latency in seconds) whose component keeps at most 4 unsent points per metric.
let private fourPointMonitor (cachet: ScriptedCachet) =
    let options =
        CachetWriteOptions(InitialBackoff = ms 5.0, MaxBackoff = ms 40.0, MaxPendingMetricPoints = 4)

    monitorOn cachet options (endpointWith [ "PUSH_METRICS" ] [ "metric_id: 1"; "latency_unit: s" ])

/// A passing check that took `seconds`, started at 1000 + `seconds`.
let private passIn (monitor: EndpointMonitor) (seconds: int) =
    monitor.OnVerdict(Passed(float seconds), 1000L + int64 seconds)

let private boundedPoints =
    test "metric points wait in check order while Cachet is down, and only the newest few are kept" (fun () ->
        task {
            let cachet = ScriptedCachet()
            let monitor = fourPointMonitor cachet
            cachet.FailBefore <- fun _ -> Some(transient ())
            adopt monitor Operational up

            for i in 1..10 do
                passIn monitor i

            Expect.equal monitor.Component.Pending 4 "bounded"
            // Once the retries are at the oldest point kept, no older point is in flight any more.
            do!
                waitFor "the oldest kept point is retried" (fun () ->
                    List.tryLast cachet.Attempts = Some(Push(1, 7.0, 1007L)))

            cachet.FailBefore <- fun _ -> None
            do! waitFor "every kept point is pushed" (fun () -> monitor.Component.Pending = 0)
            Expect.equal (pushedPoints cachet) [ for i in 7..10 -> float i, 1000L + int64 i ] "the newest 4, in order"
        })

let private pointInFlight =
    test "a point in flight when the queue overflows does not push out a newer point" (fun () ->
        task {
            let cachet = ScriptedCachet()
            let monitor = fourPointMonitor cachet
            let release = TaskCompletionSource()
            cachet.Hold <- release.Task
            adopt monitor Operational up
            passIn monitor 1
            do! waitFor "the first point is in flight" (fun () -> cachet.Attempts.Length = 1)

            for i in 2..10 do
                passIn monitor i

            release.SetResult()
            do! waitFor "every kept point is pushed" (fun () -> monitor.Component.Pending = 0)

            Expect.equal
                (pushedPoints cachet)
                [ 1.0, 1001L; 7.0, 1007L; 8.0, 1008L; 9.0, 1009L; 10.0, 1010L ]
                "the one in flight, then the newest 4 in order"
        })

let private gatedByReady =
    test "nothing is written before the start-up reads are done" (fun () ->
        task {
            let cachet = ScriptedCachet()

            let monitor =
                monitorOn cachet quick (endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] [])

            feed monitor [ failed Partial ]
            do! Task.Delay 200
            Expect.isEmpty cachet.Attempts "no call while the reads are not done"
            adopt monitor Operational up
            do! waitFor "the writes go once ready" (fun () -> monitor.Component.Pending = 0)

            Expect.equal
                cachet.Acknowledged
                [ Create(1, 3) ]
                "the incident, which set the status: the status is not written twice"
        })

let private boundedConcurrency =
    test "the write gate never lets more than MaxConcurrentCalls Cachet calls run at once" (fun () ->
        task {
            let cachet = ScriptedCachet(Latency = ms 30.0)

            let options =
                CachetWriteOptions(InitialBackoff = ms 5.0, MaxBackoff = ms 40.0, MaxConcurrentCalls = 3)

            use gate = new CachetWriteGate(options)

            let monitors =
                [
                    for id in 1..12 ->
                        { endpointWith [ "UPDATE_STATUS" ] [] with
                            ComponentId = id
                        }
                        |> monitorWith cachet options gate NullLogger.Instance
                ]

            for monitor in monitors do
                adopt monitor Operational up
                feed monitor [ failed Partial ]

            do!
                waitFor "every status is written" (fun () ->
                    monitors |> List.forall (fun m -> m.Component.Pending = 0))

            Expect.equal cachet.Acknowledged.Length 12 "all written"
            Expect.equal cachet.MaxInFlight 3 "at most 3 in flight, and the gate was used to the full"
        })

let private adoptionReplay =
    test
        "checks seen before Cachet answered count on the adopted state: one incident, points with their check times"
        (fun () ->
            task {
                let cachet = ScriptedCachet()

                let monitor =
                    monitorOn
                        cachet
                        quick
                        (endpointWith
                            [ "UPDATE_STATUS"; "CREATE_INCIDENT"; "PUSH_METRICS" ]
                            [ "metric_id: 1"; "allowed_fails: 2" ])

                feed monitor [ failed Partial; failed Partial; failed Partial ]
                do! Task.Delay 100
                Expect.isEmpty cachet.Attempts "nothing written before adoption"
                adopt monitor (Operational) (up)
                do! settled monitor

                Expect.equal
                    cachet.Acknowledged
                    [
                        Create(1, 3)
                        Push(1, 0.05, 1_700_000_000L)
                        Push(1, 0.05, 1_700_000_001L)
                        Push(1, 0.05, 1_700_000_002L)
                    ]
                    "opened once; the points keep the times of their checks"

                Expect.equal monitor.Component.State.Shown PartialOutage "down after the replay"
                feed monitor [ failed Partial ]
                do! settled monitor
                Expect.equal (cachet.Acknowledged |> List.filter _.IsCreate |> List.length) 1 "still one incident"
            })

/// A lifetime that records whether the application was asked to stop.
type private Lifetime() =
    let mutable stopped = false
    member _.Stopped = stopped

    interface IHostApplicationLifetime with
        member _.ApplicationStarted = CancellationToken.None
        member _.ApplicationStopping = CancellationToken.None
        member _.ApplicationStopped = CancellationToken.None
        member _.StopApplication() = stopped <- true

/// Runs the start-up reads of `monitors` against the fake to the end; returns the run state and the lifetime.
let private startUp (fake: FakeCachet) (monitors: EndpointMonitor list) (options: CachetWriteOptions) =
    task {
        let runState = RunState()
        let lifetime = Lifetime()
        use gate = new CachetWriteGate(options)

        use service =
            new CachetSyncService(
                ComponentSet(monitors |> List.map (fun (m: EndpointMonitor) -> m.Component)),
                clientOf fake,
                gate,
                options,
                runState,
                false,
                TimeProvider.System,
                lifetime,
                NullLogger<CachetSyncService>.Instance
            )

        do! service.StartAsync CancellationToken.None

        // The service goes on with periodic resyncs after the start-up reads: wait for their outcome only.
        do!
            waitFor "the start-up reads end" (fun () ->
                runState.Ready
                || (match runState.Failure with
                    | null -> false
                    | _ -> true))

        return runState, lifetime
    }

/// A monitor of component `id` (status and incidents) writing to the fake.
let private componentMonitor (fake: FakeCachet) id =
    monitorOn
        (clientOf fake)
        quick
        { endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] [] with
            ComponentId = id
            Name = $"component-{id}"
        }

let private startUpAdopts =
    test "start-up adopts each component's status and open incident, then resolves that incident" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent("api", 3) |> ignore
                fake.AddComponent "web" |> ignore
                let api = componentMonitor fake 1
                let web = componentMonitor fake 2
                // Named with the endpoint's outage title, as an earlier version or the original tool named it.
                fake.AddIncident(api.Endpoint.Titles.Outage, 1, componentId = 1) |> ignore
                let! (runState: RunState), (lifetime: Lifetime) = startUp fake [ api; web ] quick
                Expect.isTrue runState.Ready "ready"
                Expect.isFalse lifetime.Stopped "running"
                Expect.equal api.Component.State.Shown PartialOutage "api adopted as partial outage"
                Expect.equal (api.Component.State.Incident |> Option.bind _.Id) (Some 1) "with its open incident"
                Expect.equal web.Component.State.Shown Operational "web adopted as operational"
                Expect.equal web.Component.State.Incident None "without an incident"
                do! expectResolved fake api
            }))

let private startUpNotFound =
    test "a component missing from Cachet at start-up stops the daemon with a failure and writes nothing" (fun () ->
        withFake (fun fake ->
            task {
                fake.AddComponent "api" |> ignore
                let api = componentMonitor fake 1
                let missing = componentMonitor fake 7
                let! (runState: RunState), (lifetime: Lifetime) = startUp fake [ api; missing ] quick
                Expect.isTrue lifetime.Stopped "the application is stopped"
                Expect.isFalse runState.Ready "not ready"

                match runState.Failure with
                | null -> failtest "a failure is recorded"
                | failure -> Expect.stringContains failure "1 component(s)" "naming how many components are wrong"

                feed missing [ failed Partial ]
                do! Task.Delay 100
                Expect.isEmpty (writesTo fake) "no write for the misconfigured endpoint"
            }))

let private dryRun =
    test "a dry run takes every write without any Cachet, logging each, and leaves nothing pending" (fun () ->
        task {
            let logger = RecordingLogger<DryRunCachet>(LogLevel.None)
            let endpoint = endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] []
            let monitor = monitorOn (DryRunCachet logger) quick endpoint
            startUnknown monitor

            for verdict in [ failed Partial; failed Major; passed ] do
                feed monitor [ verdict ]
                do! settled monitor

            Expect.equal monitor.Component.State.Incident None "the dry-run incident was resolved"
            let lines = logger.Entries |> List.map _.Text

            for expected in
                [
                    "would POST /incidents name="
                    "would POST /incidents/{id}/updates status=1"
                    "would POST /incidents/{id}/updates status=4"
                    "would PUT /components/1 status=1"
                ] do
                Expect.isTrue (lines |> List.exists _.Contains(expected)) $"logged: {expected}"
        })

/// Backoff options from generated numbers: an initial delay of 1–1000 ms and a cap of 1–1000 times it.
let private backoffOptions (PositiveInt initial) (PositiveInt capFactor) =
    let first = ms (float (initial % 1000 + 1))

    CachetWriteOptions(InitialBackoff = first, MaxBackoff = first * float (capFactor % 1000 + 1))

let private backoff =
    testList
        "backoff"
        [
            testProperty "the delay lies in the jitter band of min(initial · 2^failures, cap)"
            <| fun initial capFactor (PositiveInt failures) ->
                let options = backoffOptions initial capFactor
                let delay = (Backoff.Delay(failures, options, Nullable())).TotalMilliseconds

                let ceiling =
                    min
                        (options.InitialBackoff.TotalMilliseconds
                         * Math.Pow(2.0, float (min failures 16)))
                        options.MaxBackoff.TotalMilliseconds

                delay >= ceiling / 2.0 - 0.001 && delay <= ceiling + 0.001
            testProperty "the delay never shrinks from one failure to the next until it reaches the cap"
            <| fun (PositiveInt initial) (PositiveInt doublings) (PositiveInt failures) ->
                let first = ms (float (initial % 1000 + 1))
                // The cap is first · 2^k (k in 2..16); failures n and n + 1 both stay under it.
                let k = doublings % 15 + 2

                let options =
                    CachetWriteOptions(InitialBackoff = first, MaxBackoff = first * Math.Pow(2.0, float k))

                let n = failures % (k - 1) + 1

                Backoff.Delay(n + 1, options, Nullable())
                >= Backoff.Delay(n, options, Nullable())
            testProperty
                "the delay is never shorter than a Retry-After (capped at 60 s), nor longer than the cap or the Retry-After"
            <| fun initial capFactor (PositiveInt failures) (NonNegativeInt seconds) ->
                let options = backoffOptions initial capFactor
                let asked = TimeSpan.FromSeconds(float (seconds % 120))
                let honoured = min asked RetryAfterHeader.MaxWait
                let delay = Backoff.Delay(failures, options, Nullable asked)
                delay >= honoured && delay <= max honoured options.MaxBackoff
        ]

let private unexpectedError =
    test "an unexpected error in a component's write loop is logged and counted, and the loop goes on" (fun () ->
        task {
            let cachet = ScriptedCachet()
            let counters = SyncCounters()
            let endpoint = endpointWith [ "UPDATE_STATUS"; "CREATE_INCIDENT" ] []

            let sync =
                ComponentSync(
                    HostInterop.Plans([ endpoint ])[0],
                    cachet,
                    new CachetWriteGate(quick),
                    quick,
                    Action<string, WebhookNotice>(fun _ _ -> ()),
                    Func<string, string>(id),
                    counters,
                    TimeProvider.System,
                    NullLogger.Instance
                )

            let monitor = EndpointMonitor(endpoint, sync)
            let thrown = ref 0

            cachet.FailBefore <-
                fun _ ->
                    if Interlocked.Increment(&thrown.contents) <= 2 then
                        Some(InvalidOperationException "a bug" :> exn)
                    else
                        None

            adopt monitor Operational up
            feed monitor [ failed Partial ]
            do! settled monitor
            Expect.equal counters.WriteLoopFailures 2L "each error counted"

            Expect.equal
                cachet.Acknowledged
                [ FindOpen 1; Create(1, 3) ]
                "then the writes go through (a retried create looks first; the create set the status)"
        })

let private metricsPerMetric =
    test "two endpoints' metrics on one component take turns: a busy metric does not starve the other" (fun () ->
        task {
            let cachet = ScriptedCachet()

            let options =
                CachetWriteOptions(InitialBackoff = ms 5.0, MaxBackoff = ms 40.0, MaxPendingMetricPoints = 3)

            let endpoints =
                [
                    endpointWith [ "PUSH_METRICS" ] [ "metric_id: 1"; "latency_unit: s" ]
                    { endpointWith [ "PUSH_METRICS" ] [ "metric_id: 2"; "latency_unit: s" ] with
                        Name = "second"
                    }
                ]

            let sync =
                componentWith
                    cachet
                    options
                    (new CachetWriteGate(options))
                    (fun _ _ -> ())
                    NullLogger.Instance
                    endpoints

            let first = EndpointMonitor(endpoints[0], sync)
            let second = EndpointMonitor(endpoints[1], sync)
            cachet.FailBefore <- fun _ -> Some(transient ())
            sync.Apply(HostInterop.Adopted(1, []))

            for i in 1..10 do
                first.OnVerdict(Passed(float i), 1000L + int64 i)

            second.OnVerdict(Passed 99.0, 2000L)
            Expect.equal sync.Pending 4 "each metric bounded on its own: 3 + 1"
            do! waitFor "a point of the first metric is being retried" (fun () -> not cachet.Attempts.IsEmpty)
            cachet.FailBefore <- fun _ -> None
            do! waitFor "every point is pushed" (fun () -> sync.Pending = 0)

            let pushed = pushedPoints cachet
            Expect.contains pushed (99.0, 2000L) "the second metric's point went out"

            Expect.equal
                (pushed
                 |> List.filter (fun (v, _) -> v <> 99.0)
                 |> List.map fst
                 |> List.sort
                 |> List.distinct
                 |> List.filter (fun v -> v >= 8.0))
                [ 8.0; 9.0; 10.0 ]
                "the newest 3 of the first"
        })

[<Tests>]
let tests =
    testList
        "reconciler"
        [
            unexpectedError
            metricsPerMetric
            inOrder
            lastWriterWins
            refusedStatusKeepsNewer
            ambiguousStatus "lost" transient
            ambiguousStatus "garbled" (fun () ->
                CachetApiException(CachetApiErrorKind.MalformedResponse, "Cachet answered HTTP 200 without JSON")
                :> exn)
            ambiguousCreate
            badRequest
            unauthorized
            retryAfter
            boundedPoints
            pointInFlight
            gatedByReady
            boundedConcurrency
            adoptionReplay
            startUpAdopts
            startUpNotFound
            dryRun
            backoff
        ]
