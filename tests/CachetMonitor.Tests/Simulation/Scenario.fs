namespace CachetMonitor.Tests.Simulation

open System
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

/// One endpoint of a simulated config.
type EndpointSpec =
    {
        Name: string
        ComponentId: int
        AllowedFails: int
        SuccessThreshold: int
        Actions: MonitorAction list
        FrequencySeconds: float
        MetricId: int option
        Public: bool
    }

    /// The endpoint as the config parser would give it.
    member this.Endpoint: Endpoint =
        { ComponentDriver.endpoint this.Name this.ComponentId this.AllowedFails this.SuccessThreshold this.Actions with
            FrequencySeconds = this.FrequencySeconds
            MetricId = this.MetricId
            PublicIncidents = this.Public
        }

    /// Drives the component's status or incident (an endpoint with PUSH_METRICS only does not).
    member this.Drives =
        List.contains UpdateStatus this.Actions
        || List.contains CreateIncident this.Actions

/// What an endpoint's target really does.
type Health =
    | Healthy
    | Failing of Severity
    /// Each check fails with this severity with the given probability (percent).
    | Flapping of Severity * failPercent: int

/// Something the world does to the monitor, at a moment chosen by the seed.
type WorldEvent =
    | TruthChanges of endpoint: string * Health
    | FaultsOn of FaultRates
    | FaultsOff
    /// The process is killed between two steps and started again on the config it last loaded.
    | Restart
    /// The config file changes to these endpoints.
    | Reload of EndpointSpec list
    /// The wall clock jumps (NTP, an operator); monotonic time does not.
    | WallClockStep of seconds: float
    | PersonOpensIncident of label: int * componentId: int * componentStatus: int
    | PersonResolvesIncident of label: int
    /// A person marks the newest open incident of ours on the component fixed.
    | PersonResolvesOurs of componentId: int
    | PersonSetsStatus of componentId: int * status: int
    /// A component is taken out of the config (or an endpoint moved to another component) and the config put back
    /// `seconds` later: a mistaken edit undone, often while the old component's writes are still under way.
    | Flicker of removeComponent: bool * pick: int * seconds: float
    /// Cachet revokes the config's API token and issues a new one (writes get 401, reads are a guest's); the config
    /// is given the new token `seconds` later: a reload in which every component forgets what it knew of Cachet and
    /// reads it afresh (CachetChanged).
    | TokenRevoked of seconds: float
    /// The event happens while the next write to Cachet is in flight (between the call and its answer) — the next
    /// incident write (create, update, resolve) when `incidentWrite`: the interleavings a uniformly random moment
    /// almost never hits.
    | DuringNextWrite of incidentWrite: bool * WorldEvent

/// A whole simulated run, decided by its seed before it starts.
type Scenario =
    {
        Seed: int
        Config: EndpointSpec list
        /// In time order.
        Events: (int64 * WorldEvent) list
        /// From here on faults are off, truths stand still and people leave Cachet alone.
        QuietFrom: int64
        /// Checks and resyncs stop here; then the writes left must drain.
        End: int64
        /// Whether Cachet can list every unresolved incident at once (else resync reads per component).
        ListsAll: bool
        /// Unresolved incidents of ours (component, name) an earlier process left in Cachet before the run.
        Leftovers: (int * string) list
        ComponentIds: int list
        MetricIds: int list
        EndpointNames: string list
    }

    member this.Hours = Ticks.toSeconds this.End / 3600.0

/// Generates scenarios from seeds: configs, the targets' truths over time, Cachet's faults, restarts, reloads,
/// wall-clock steps and people's edits.
[<RequireQualifiedAccess>]
module Scenario =
    /// Time left at the end for everything to converge: several resyncs, the slowest debouncing and backoff.
    let quiet = Ticks.ofMinutes 25.0

    let private componentPool = [ 1..5 ]
    let private namePool = [ for i in 1..12 -> $"e{i}" ]

    let private pick (random: Random) (items: 'a list) = items[random.Next items.Length]

    let private severity (random: Random) =
        pick random [ Performance; Partial; Major ]

    let private actionSets =
        [
            [ UpdateStatus; CreateIncident ]
            [ UpdateStatus; CreateIncident ]
            [ UpdateStatus; CreateIncident; PushMetrics ]
            [ UpdateStatus ]
            [ CreateIncident ]
            [ CreateIncident; PushMetrics ]
            [ UpdateStatus; PushMetrics ]
            [ PushMetrics ]
        ]

    let private metricOf (name: string) = 100 + int (name.Substring 1)

    let private spec (random: Random) name componentId =
        let actions = pick random actionSets

        {
            Name = name
            ComponentId = componentId
            AllowedFails = random.Next 3
            SuccessThreshold = 1 + random.Next 3
            Actions = actions
            FrequencySeconds = pick random [ 10.0; 15.0; 30.0; 60.0 ]
            MetricId =
                (if List.contains PushMetrics actions then
                     Some(metricOf name)
                 else
                     None)
            Public = random.Next 5 > 0
        }

    let private health (random: Random) =
        match random.Next 10 with
        | n when n < 4 -> Healthy
        | n when n < 8 -> Failing(severity random)
        | _ -> Flapping(severity random, 10 + random.Next 80)

    let private at (random: Random) (from: int64) (until: int64) =
        from + int64 (random.NextDouble() * float (until - from))

    /// One to two changes to a config: an endpoint added, removed, moved to another component or changed, or a
    /// whole component removed.
    let private mutate (random: Random) (config: EndpointSpec list) =
        let change (config: EndpointSpec list) =
            let components = config |> List.map (fun e -> e.ComponentId) |> List.distinct

            let unused =
                namePool |> List.filter (fun n -> config |> List.forall (fun e -> e.Name <> n))

            match random.Next 5 with
            | 0 when not unused.IsEmpty ->
                let target =
                    if random.Next 3 = 0 then
                        pick random componentPool
                    else
                        pick random components

                config @ [ spec random (pick random unused) target ]
            | 1 when config.Length > 1 ->
                let gone = pick random config
                config |> List.filter (fun e -> e.Name <> gone.Name)
            | 2 ->
                let moved = pick random config
                let target = pick random componentPool

                config
                |> List.map (fun e ->
                    if e.Name = moved.Name then
                        { e with ComponentId = target }
                    else
                        e)
            | 3 ->
                let changed = pick random config
                let fresh = spec random changed.Name changed.ComponentId
                config |> List.map (fun e -> if e.Name = changed.Name then fresh else e)
            | _ when components.Length > 1 ->
                let gone = pick random components
                config |> List.filter (fun e -> e.ComponentId <> gone)
            | _ -> config

        let once = change config
        if random.Next 2 = 0 then change once else once

    /// The scenario of `seed`, `hours` long.
    let generate (seed: int) (hours: float) : Scenario =
        let random = Random seed
        let finish = Ticks.ofHours hours
        let quietFrom = finish - quiet
        let busy = max (Ticks.ofMinutes 1.0) quietFrom
        let scale = max 1 (int (ceil hours))

        let initial =
            let count = 1 + random.Next 4

            let components =
                componentPool |> List.sortBy (fun _ -> random.Next()) |> List.take count

            let names = namePool |> List.sortBy (fun _ -> random.Next())

            components
            |> List.fold
                (fun (specs, names: string list) componentId ->
                    let members = 1 + random.Next 3

                    specs
                    @ (names |> List.take members |> List.map (fun n -> spec random n componentId)),
                    List.skip members names)
                ([], names)
            |> fst

        // Reloads first: the other events need the config in force when they happen.
        let reloads =
            List.init (random.Next(0, 2 + scale)) (fun _ -> at random 0L busy)
            |> List.sort
            |> List.mapFold
                (fun config time ->
                    let next = mutate random config
                    (time, Reload next), next)
                initial
            |> fst

        let configAt time =
            reloads
            |> List.filter (fun (t, _) -> t <= time)
            |> List.tryLast
            |> Option.map (fun (_, event) ->
                match event with
                | Reload config -> config
                | _ -> initial)
            |> Option.defaultValue initial

        let componentAt time =
            configAt time
            |> List.map (fun e -> e.ComponentId)
            |> List.distinct
            |> pick random

        let truths =
            namePool
            |> List.collect (fun name ->
                List.init (random.Next(0, 1 + 3 * scale)) (fun _ ->
                    at random 0L busy, TruthChanges(name, health random)))

        let faults =
            List.init (random.Next(0, 2 + scale)) (fun _ ->
                let start = at random 0L busy
                let length = Ticks.ofMinutes (1.0 + random.NextDouble() * 39.0)
                let total = 0.05 + random.NextDouble() * 0.55
                let share () = random.NextDouble()
                let a, b, c, d, e = share (), share (), share (), share (), share () * 0.2
                let sum = a + b + c + d + e

                [
                    start,
                    FaultsOn
                        {
                            ServerError = total * a / sum
                            RateLimited = total * b / sum
                            TimedOut = total * c / sum
                            LostAnswer = total * d / sum
                            BadRequest = total * e / sum
                        }
                    min busy (start + length), FaultsOff
                ])
            |> List.concat

        let midWrite event =
            match random.Next 4 with
            | 0 -> DuringNextWrite(false, event)
            | 1 -> DuringNextWrite(true, event)
            | _ -> event

        let restarts =
            List.init (random.Next(0, 1 + scale)) (fun _ -> at random 0L busy, midWrite Restart)

        let flickers =
            List.init (random.Next(0, 1 + scale / 2)) (fun _ ->
                at random 0L busy,
                midWrite (Flicker(random.Next 2 = 0, random.Next 1000, 0.05 + random.NextDouble() * 90.0)))

        let tokens =
            [
                if random.Next 3 = 0 && busy > Ticks.ofMinutes 40.0 then
                    at random 0L (busy - Ticks.ofMinutes 35.0),
                    midWrite (TokenRevoked(30.0 + random.NextDouble() * 1800.0))
            ]

        let steps =
            List.init (random.Next 3) (fun _ ->
                let jump =
                    (60.0 + random.NextDouble() * 3.0 * 3600.0)
                    * (if random.Next 2 = 0 then -1.0 else 1.0)

                at random 0L busy, WallClockStep jump)

        let people =
            [
                for label in 1 .. random.Next 3 do
                    let opened = at random 0L busy
                    let componentId = componentAt opened
                    yield opened, PersonOpensIncident(label, componentId, 2 + random.Next 3)
                    let resolved = opened + Ticks.ofMinutes (1.0 + random.NextDouble() * 120.0)

                    if resolved < busy then
                        yield resolved, PersonResolvesIncident label

                        if random.Next 2 = 0 then
                            yield resolved, PersonSetsStatus(componentId, 1)
                for _ in 1 .. random.Next 2 do
                    let time = at random 0L busy
                    yield time, midWrite (PersonResolvesOurs(componentAt time))
                for _ in 1 .. random.Next 3 do
                    let time = at random 0L busy
                    yield time, PersonSetsStatus(componentAt time, random.Next 5)
            ]

        let settle =
            [
                yield quietFrom, FaultsOff
                for name in namePool do
                    let final =
                        if random.Next 5 < 3 then
                            Healthy
                        else
                            Failing(severity random)

                    yield quietFrom, TruthChanges(name, final)
            ]

        {
            Seed = seed
            Config = initial
            Events =
                reloads
                @ flickers
                @ truths
                @ faults
                @ restarts
                @ tokens
                @ steps
                @ people
                @ settle
                |> List.sortBy fst
            QuietFrom = quietFrom
            End = finish
            ListsAll = random.Next 2 = 0
            Leftovers = []
            ComponentIds = componentPool
            MetricIds = namePool |> List.map metricOf
            EndpointNames = namePool
        }
