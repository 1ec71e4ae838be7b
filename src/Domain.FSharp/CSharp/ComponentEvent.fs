namespace CachetMonitor.Domain.CSharp

open System.Collections.Generic
open CachetMonitor.Domain
// The wrappers declared above win over the core's types of the same name.
open CachetMonitor.Domain.CSharp

/// Something that happened to a component: a check, a read of Cachet, or what Cachet answered to a write.
/// Fed to <c>MonitorCore.Step</c>.
[<Sealed>]
type ComponentEvent private (inner: CachetMonitor.Domain.ComponentEvent) =
    static let view (statusCode: int) (incidents: IEnumerable<SeenIncident>) : CachetView =
        {
            Status = ComponentStatus.ofCode statusCode |> Option.defaultValue Unknown
            Incidents = incidents |> Seq.map _.Inner |> List.ofSeq
        }

    member internal _.Inner = inner

    /// One check of the endpoint named <c>endpoint</c>, started at <c>unixSeconds</c> (the metric point's time).
    static member Checked(endpoint: string, verdict: Verdict, unixSeconds: int64) =
        ComponentEvent(CachetMonitor.Domain.Checked(endpoint, verdict.Inner, unixSeconds))

    /// The number a check of the endpoint named <c>endpoint</c>, started at <c>unixSeconds</c>, read for its
    /// <c>metric_value</c>: the metric point pushed instead of the latency.
    static member Measured(endpoint: string, value: float, unixSeconds: int64) =
        ComponentEvent(CachetMonitor.Domain.Measured(endpoint, value, unixSeconds))

    /// The first read of Cachet: the component's status code and its unresolved incidents, newest first.
    static member Adopted(statusCode: int, incidents: IEnumerable<SeenIncident>) =
        ComponentEvent(CachetMonitor.Domain.Adopted(view statusCode incidents))

    /// A periodic re-read of Cachet, taken when the state's <see cref="ComponentState.Version"/> was <c>version</c>.
    static member Resynced(statusCode: int, incidents: IEnumerable<SeenIncident>, version: int) =
        ComponentEvent(CachetMonitor.Domain.Resynced(view statusCode incidents, version))

    /// Cachet created the incident of <c>OpenIncident</c> number <c>write</c> with id <c>incidentId</c>:
    /// the monitor updates and resolves that incident from now on.
    static member IncidentOpened(write: int, incidentId: int) =
        ComponentEvent(CachetMonitor.Domain.IncidentOpened(write, incidentId))

    /// Cachet accepted the update or resolve numbered <c>write</c>.
    static member IncidentWritten(write: int) =
        ComponentEvent(CachetMonitor.Domain.IncidentWritten write)

    /// The incident of write <c>write</c> is gone (Cachet answered 404: someone deleted it).
    static member IncidentGone(write: int) =
        ComponentEvent(CachetMonitor.Domain.IncidentGone write)

    /// Cachet refused write <c>write</c> for good (400): it is not retried.
    static member IncidentRefused(write: int) =
        ComponentEvent(CachetMonitor.Domain.IncidentRefused write)

    /// The config was reloaded and the component's endpoints changed: unchanged ones keep their state.
    static member Reconfigured(plan: ComponentPlan) =
        ComponentEvent(CachetMonitor.Domain.Reconfigured plan.Inner)

    /// The Cachet instance or token changed: what was known of Cachet is forgotten until <c>Adopted</c>.
    static member CachetChanged() =
        ComponentEvent(CachetMonitor.Domain.CachetChanged)

    /// The component is no longer in the config: the monitor's incident is resolved and its status put back.
    static member Retired() =
        ComponentEvent(CachetMonitor.Domain.Retired)
