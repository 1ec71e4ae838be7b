namespace CachetMonitor.Tests.Simulation

open System.Collections.Generic
open CachetMonitor.Domain

/// Cachet keeps up with what the monitor saw, during the run and not only at its end: whenever the oracle's verdict
/// on a component (its status, whether an incident of ours must be open) has held for a minute and nothing has
/// disturbed the component meanwhile, Cachet shows exactly that — the status (components with UPDATE_STATUS, no
/// person's incident open), one incident of ours while an endpoint with CREATE_INCIDENT is down (unless the core is
/// silenced by a person's resolve or a refused create until a recovery), none once all are up. Disturbances: Cachet
/// faults (and 3 minutes after), a revoked token (12 minutes after the config has the new one: every component reads
/// Cachet afresh, and what a guest's read hid is learnt again), a reload (3 minutes), a restart (12 minutes: a killed process's late create is
/// resolved at the next resync), a person's edit of the component (until two resyncs have read Cachet since, and a
/// minute more: the monitor learns of it at a resync). A final-state check alone misses a core that is wrong for a while and right again.
type Timeliness(loop: SimLoop, model: ModelCachet, oracle: Oracle) =
    let settle = Ticks.ofMinutes 1.0
    // Per component: since when the oracle has said the same, and what (status × 10 + incident, 0 undecided).
    let expectations = Dictionary<int, struct (int64 * int)>()
    let quietAfter = Dictionary<int, int64>()
    let reported = HashSet<int * int64 * string>()
    // Components a person edited, with how many resyncs must succeed before the monitor can have learnt it.
    let edited = Dictionary<int, int>()
    let mutable resyncs = 0
    let violations = ResizeArray<string>()
    let mutable calmFrom = 0L
    let mutable planned: EndpointSpec list = []

    let mutable components
        : {|
            Id: int
            Members: EndpointSpec list
            Status: bool
            Incident: bool
        |}[] =
        [||]

    let report componentId since what (text: string) =
        if reported.Add((componentId, since, what)) then
            violations.Add $"{Ticks.render loop.Now}: {text}"

    /// Nothing is checked until `minutes` from now.
    member _.Disturb(minutes: float) =
        calmFrom <- max calmFrom (loop.Now + Ticks.ofMinutes minutes)

    /// The component is not checked until `minutes` from now.
    member private _.DisturbComponent(componentId: int, minutes: float) =
        quietAfter[componentId] <-
            max
                (match quietAfter.TryGetValue componentId with
                 | true, t -> t
                 | _ -> 0L)
                (loop.Now + Ticks.ofMinutes minutes)

    /// A person edited the component in Cachet: it is not checked until two resyncs have read Cachet since (the
    /// first may be ignored as stale if a write was decided while it read), and a minute more.
    member _.PersonEdited(componentId: int) = edited[componentId] <- resyncs + 2

    /// A periodic resync read every component.
    member this.ResyncDone() =
        resyncs <- resyncs + 1

        for componentId in List.ofSeq edited.Keys do
            if edited[componentId] <= resyncs then
                edited.Remove componentId |> ignore
                this.DisturbComponent(componentId, 1.0)

    /// Cachet's trouble ended (faults, or a revoked token replaced and every component read afresh).
    member this.TroubleEnded(minutes: float) = this.Disturb minutes

    member _.Violations = violations :> IReadOnlyList<string>

    /// Checks every component of `config` now; `silenced` says whether the core holds back incidents on a component;
    /// `troubled`, whether Cachet is failing calls now (faults, a revoked token).
    member this.Check(config: EndpointSpec list, silenced: int -> bool, troubled: bool) =
        if troubled then
            this.Disturb 3.0

        if not (obj.ReferenceEquals(config, planned)) then
            planned <- config

            components <-
                config
                |> List.groupBy (fun e -> e.ComponentId)
                |> List.map (fun (componentId, members) ->
                    {|
                        Id = componentId
                        Members = members
                        Status = members |> List.exists (fun e -> List.contains UpdateStatus e.Actions)
                        Incident = members |> List.exists (fun e -> List.contains CreateIncident e.Actions)
                    |})
                |> Array.ofList

        for c in components do
            let status = oracle.Status c.Members
            let incident = oracle.Incident c.Members

            let expected =
                (defaultArg status 0) * 10
                + (match incident with
                   | None -> 0
                   | Some false -> 1
                   | Some true -> 2)

            let since =
                match expectations.TryGetValue c.Id with
                | true, struct (since, previous) when previous = expected -> since
                | _ ->
                    expectations[c.Id] <- struct (loop.Now, expected)
                    loop.Now

            let quiet =
                match quietAfter.TryGetValue c.Id with
                | true, t -> t
                | _ -> 0L

            if
                loop.Now - max since (max calmFrom quiet) >= settle
                && not (edited.ContainsKey c.Id)
            then
                match status with
                | Some status when c.Status && model.StatusOf c.Id <> status && not (model.ForeignOpen c.Id) ->
                    report
                        c.Id
                        since
                        "status"
                        $"component {c.Id} shows status {model.StatusOf c.Id} though its endpoints have wanted {status} since {Ticks.render since}"
                | _ -> ()

                match incident with
                | Some true when c.Incident && model.OpenOursCount c.Id <> 1 && not (silenced c.Id) ->
                    report
                        c.Id
                        since
                        "incident"
                        $"component {c.Id} has {model.OpenOursCount c.Id} incident(s) of ours open though an endpoint has been down since {Ticks.render since}"
                | Some false when c.Incident && model.OpenOursCount c.Id > 0 ->
                    report
                        c.Id
                        since
                        "incident"
                        $"component {c.Id} has {model.OpenOursCount c.Id} incident(s) of ours open though its endpoints have been up since {Ticks.render since}"
                | _ -> ()
