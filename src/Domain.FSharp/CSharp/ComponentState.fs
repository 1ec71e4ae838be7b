namespace CachetMonitor.Domain.CSharp

open System
open System.Collections.Generic
open CachetMonitor.Domain

/// The endpoints that drive one Cachet component, in config order.
[<Sealed>]
type ComponentPlan internal (inner: CachetMonitor.Domain.ComponentPlan) =
    member internal _.Inner = inner

    /// The Cachet component.
    member _.ComponentId = inner.ComponentId

    /// The names of its endpoints, in config order.
    member _.Endpoints: IReadOnlyList<string> =
        inner.Members |> List.map _.Name |> List.toArray :> _

/// <summary>An unresolved incident as read from Cachet, for the <c>Adopted</c> and <c>Resynced</c> events.</summary>
/// <param name="id">Cachet's incident id.</param>
/// <param name="name">The incident's name (its title).</param>
/// <param name="tagged">Whether it carries this monitor's tag (<c>MonitorCore.IncidentTag</c>, in <c>meta</c>).</param>
/// <param name="visible">Whether it is public.</param>
/// <param name="componentStatus">The status code the incident gives the component, when the API says (Cachet 3);
/// null on Cachet 2.x.</param>
[<Sealed>]
type SeenIncident(id: int, name: string, tagged: bool, visible: bool, componentStatus: Nullable<int>) =
    member internal _.Inner: CachetMonitor.Domain.SeenIncident =
        {
            Id = id
            Name = name
            Tagged = tagged
            Visible = visible
            ComponentStatus = componentStatus |> Option.ofNullable |> Option.bind ComponentStatus.ofCode
        }

    /// Cachet's incident id.
    member _.Id = id

    /// The incident's name.
    member _.Name = name

    /// Whether it carries this monitor's tag.
    member _.Tagged = tagged

    /// Whether it is public.
    member _.Visible = visible

    /// The status code the incident gives the component (Cachet 3); null when the API does not say.
    member _.ComponentStatus = componentStatus

/// One component's state: its endpoints' debouncing and what the monitor knows of Cachet. Only
/// <c>MonitorCore.Step</c> makes a new one.
[<Sealed>]
type ComponentState internal (inner: CachetMonitor.Domain.ComponentState) =
    member internal _.Inner = inner

    /// The Cachet component.
    member _.ComponentId = inner.Plan.ComponentId

    /// Whether Cachet's state has been read (until then checks are counted but nothing is written).
    member _.IsAdopted = inner.Adopted

    /// The component status Cachet shows as far as the monitor knows (Cachet's code, 0–4).
    member _.ShownStatus = ComponentStatus.toCode inner.Shown

    /// Whether the monitor keeps an incident open on the component.
    member _.HasIncident = inner.Incident.IsSome

    /// The id of the monitor's open incident; null when there is none or while its create is in flight.
    member _.IncidentId: Nullable<int> =
        inner.Incident |> Option.bind _.Id |> Option.toNullable

    /// Bumped by every Cachet write decided or acknowledged; a <c>Resynced</c> read carries the version it was
    /// taken at, so a read older than a write is recognised as stale.
    member _.Version = inner.Version

    /// True when a component no longer monitored (<c>Retired</c>) has nothing of the monitor's left to write.
    member _.IsSettled = ComponentMonitor.isSettled inner

    /// The endpoints that are down and their severity as the config writes it, in config order.
    member _.DownEndpoints: IReadOnlyList<KeyValuePair<string, string>> =
        ComponentMonitor.downSeverities inner
        |> List.choose (fun (name, down) -> down |> Option.map (fun s -> KeyValuePair(name, Severity.name s)))
        |> List.toArray
        :> _
