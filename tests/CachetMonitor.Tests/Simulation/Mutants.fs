namespace CachetMonitor.Tests.Simulation

open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open CachetMonitor.Host.Cachet.Api

/// A deliberate defect planted in the monitor, to prove that the simulation's invariants can fail.
type Mutant =
    | NoMutant
    /// The component forgets every endpoint's outage when the first one recovers (a core that resolves early).
    | FirstRecoveryClearsComponent
    /// Resolves are acknowledged without ever reaching Cachet.
    | ResolvesNeverSent
    /// Every create makes two incidents.
    | CreatesTwice
    /// A status write that fails transiently is reported as done (a drain that drops failed writes).
    | FailedStatusForgotten
    /// Cachet 3: the writer keeps no rate budget (as on 2.x).
    | IgnoresBudget
    /// Cachet 3: incidents are created without `visible` (Cachet 3 then makes them private).
    | DropsVisible

/// A 3.x client that leaves `visible` out of its incident creates (the mutant `DropsVisible`), on the wire.
type private VisibleDropped(inner: HttpMessageHandler) =
    inherit DelegatingHandler(inner)

    override _.SendAsync(request, ct) =
        match request.Method.Method, request.Content with
        | "POST", NonNull content when (nonNull request.RequestUri).AbsolutePath.EndsWith "/incidents" ->
            match JsonNode.Parse(content.ReadAsStream()) with
            | :? JsonObject as body ->
                body.Remove "visible" |> ignore
                request.Content <- new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")
            | _ -> ()
        | _ -> ()

        base.SendAsync(request, ct)

/// The Cachet the monitor talks to under a mutant: the model itself, or the model behind a defect.
[<RequireQualifiedAccess>]
module Mutants =
    let all =
        [
            FirstRecoveryClearsComponent
            ResolvesNeverSent
            CreatesTwice
            FailedStatusForgotten
        ]

    /// The mutants of Cachet 3's own rules (run against the 3.x model).
    let all3 = [ IgnoresBudget; DropsVisible ]

    let name mutant =
        match mutant with
        | NoMutant -> "no mutant"
        | FirstRecoveryClearsComponent -> "a component cleared by its first endpoint's recovery"
        | ResolvesNeverSent -> "resolves never sent"
        | CreatesTwice -> "every create made twice"
        | FailedStatusForgotten -> "failed status writes forgotten"
        | IgnoresBudget -> "Cachet 3: no rate budget"
        | DropsVisible -> "Cachet 3: visible not sent"

    /// The HTTP handler the 3.x client sends through under a mutant.
    let wire (mutant: Mutant) (handler: HttpMessageHandler) : HttpMessageHandler =
        match mutant with
        | DropsVisible -> new VisibleDropped(handler)
        | _ -> handler

    let wrap (mutant: Mutant) (model: ICachetApi) : ICachetApi =
        let createTwice name message componentId componentStatus visible (tag: string | null) ct =
            task {
                let! _ =
                    model.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct)

                return! model.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct)
            }

        match mutant with
        | NoMutant
        | FirstRecoveryClearsComponent
        | IgnoresBudget
        | DropsVisible -> model
        | _ ->
            { new ICachetApi with
                member _.IncidentsSetComponentStatus = model.IncidentsSetComponentStatus
                member _.DropsPointsWithinThreshold = model.DropsPointsWithinThreshold
                member _.GetComponentAsync(id, ct) = model.GetComponentAsync(id, ct)
                member _.GetMetricAsync(id, ct) = model.GetMetricAsync(id, ct)

                member _.FindOpenIncidentAsync(componentId, ct) =
                    model.FindOpenIncidentAsync(componentId, ct)

                member _.ListUnresolvedIncidentsAsync(componentId, ct) =
                    model.ListUnresolvedIncidentsAsync(componentId, ct)

                member _.ListAllUnresolvedIncidentsAsync(ct) =
                    model.ListAllUnresolvedIncidentsAsync(ct)

                member _.SetComponentStatusAsync(componentId, status, ct) =
                    match mutant with
                    | FailedStatusForgotten ->
                        task {
                            try
                                do! model.SetComponentStatusAsync(componentId, status, ct)
                            with :? CachetApiException as e when e.IsTransient ->
                                ()
                        }
                        :> Task
                    | _ -> model.SetComponentStatusAsync(componentId, status, ct)

                member this.CreateIncidentAsync(name, message, componentId, componentStatus, visible, ct) =
                    this.CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct)

                member _.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct) =
                    match mutant with
                    | CreatesTwice -> createTwice name message componentId componentStatus visible tag ct
                    | _ -> model.CreateIncidentAsync(name, message, componentId, componentStatus, visible, tag, ct)

                member _.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct) =
                    model.UpdateIncidentAsync(incidentId, name, message, componentId, componentStatus, visible, ct)

                member _.ResolveIncidentAsync(incidentId, message, visible, ct) =
                    match mutant with
                    | ResolvesNeverSent -> Task.FromResult true
                    | _ -> model.ResolveIncidentAsync(incidentId, message, visible, ct)

                member _.PushMetricPointAsync(metricId, value, unixSeconds, ct) =
                    model.PushMetricPointAsync(metricId, value, unixSeconds, ct)
            }
