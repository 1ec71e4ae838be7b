namespace CachetMonitor.Domain.CSharp

open System
open CachetMonitor.Domain

/// What must become true in Cachet (or be sent), complete, so a runner executes it literally. One of
/// <c>SetComponentStatus</c>, <c>OpenIncident</c>, <c>UpdateIncident</c>, <c>ResolveIncident</c> (the three
/// <c>IncidentWrite</c>s), <c>PushMetricPoint</c> and <c>NotifyWebhooks</c>.
[<AbstractClass>]
type ComponentCommand internal () = class end

/// Set the component's status.
[<Sealed>]
type SetComponentStatus internal (write: StatusWrite) =
    inherit ComponentCommand()

    /// The Cachet component.
    member _.ComponentId = write.ComponentId

    /// The status to set (Cachet's code, 0–4).
    member _.Status = ComponentStatus.toCode write.Status

/// A write to one of the monitor's incidents. Feed its outcome back with its <see cref="Write"/> number:
/// <c>ComponentEvent.IncidentOpened(Write, id)</c> or <c>IncidentWritten(Write)</c> when Cachet accepted it,
/// <c>IncidentGone(Write)</c> on 404, <c>IncidentRefused(Write)</c> on 400.
[<AbstractClass>]
type IncidentWrite internal (write: int, componentId: int, message: string, visible: bool) =
    inherit ComponentCommand()

    /// The number of this write, for the event that reports its outcome.
    member _.Write = write

    /// The Cachet component.
    member _.ComponentId = componentId

    /// The incident's message for this write.
    member _.Message = message

    /// Whether the incident is public.
    member _.Visible = visible

/// A write that gives the monitor's incident a severity: the create, or an update to a new severity.
[<AbstractClass>]
type IncidentChange
    internal (write, componentId, message, visible, status: ComponentStatus, severity: Severity, title: string) =
    inherit IncidentWrite(write, componentId, message, visible)

    /// The component status to set with the incident (Cachet's code; Cachet 2.x sets it with the incident).
    member _.ComponentStatus = ComponentStatus.toCode status

    /// The failure's severity as the config writes it (<c>PERFORMANCE</c>, <c>PARTIAL</c>, <c>MAJOR</c>).
    member _.Severity = Severity.name severity

    /// The incident's name.
    member _.Title = title

/// Create an incident (incident status 1, Investigating) carrying <see cref="Tag"/> in <c>meta.cachet_monitor</c>,
/// then feed back <c>ComponentEvent.IncidentOpened(Write, id)</c> with the id Cachet gave it.
[<Sealed>]
type OpenIncident internal (c: IncidentCreate) =
    inherit IncidentChange(c.Write, c.ComponentId, c.Message, c.Visible, c.ComponentStatus, c.Severity, c.Title)

    /// The tag that marks the incident as this monitor's.
    member _.Tag = c.Tag

/// Change the monitor's open incident to a new severity, then feed back <c>ComponentEvent.IncidentWritten(Write)</c>.
[<Sealed>]
type UpdateIncident internal (u: IncidentUpdate) =
    inherit IncidentChange(u.Write, u.ComponentId, u.Message, u.Visible, u.ComponentStatus, u.Severity, u.Title)

    /// The incident to update (the id fed back with <c>IncidentOpened</c>, or read from Cachet).
    member _.IncidentId = u.IncidentId

/// Resolve an incident of the monitor's (incident status 4, Fixed), then feed back
/// <c>ComponentEvent.IncidentWritten(Write)</c>.
[<Sealed>]
type ResolveIncident internal (resolve: IncidentResolve) =
    inherit IncidentWrite(resolve.Write, resolve.ComponentId, resolve.Message, resolve.Visible)

    /// The incident to resolve.
    member _.IncidentId = resolve.IncidentId

    /// The component status to set with it (Cachet's code); null to leave the component alone (a stray duplicate).
    member _.ComponentStatus: Nullable<int> =
        resolve.ComponentStatus
        |> Option.map ComponentStatus.toCode
        |> Option.toNullable

/// Add a latency point to a Cachet metric.
[<Sealed>]
type PushMetricPoint internal (point: MetricPoint) =
    inherit ComponentCommand()

    /// The Cachet metric.
    member _.MetricId = point.MetricId

    /// The endpoint whose check measured it.
    member _.Endpoint = point.Endpoint

    /// The latency, already in the endpoint's <c>latency_unit</c>.
    member _.Value = point.Value

    /// When the check started (Unix seconds).
    member _.UnixSeconds = point.UnixSeconds

/// Fire the config's webhooks for an incident event (only when the config has any): see
/// <c>MonitorCore.RenderWebhook</c>.
[<Sealed>]
type NotifyWebhooks internal (notice: ComponentNotice) =
    inherit ComponentCommand()
    member internal _.Notice = notice.Notice

    /// The Cachet component.
    member _.ComponentId = notice.ComponentId

    /// The endpoint whose check set the incident's title.
    member _.Endpoint = notice.Endpoint

    /// The incident event, as webhooks name it: <c>opened</c>, <c>changed</c> or <c>resolved</c>.
    member _.Event = IncidentEvent.name notice.Notice.Event

    /// The incident's title.
    member _.Title = notice.Notice.Title

    /// The event's message.
    member _.Message = notice.Notice.Message

/// Wrapping the core's commands.
module internal ComponentCommands =
    let wrap (command: CachetMonitor.Domain.ComponentCommand) : ComponentCommand =
        match command with
        | SetStatus write -> SetComponentStatus write
        | CachetMonitor.Domain.OpenIncident create -> OpenIncident create
        | CachetMonitor.Domain.UpdateIncident update -> UpdateIncident update
        | CachetMonitor.Domain.ResolveIncident resolve -> ResolveIncident resolve
        | PushMetric point -> PushMetricPoint point
        | Notify notice -> NotifyWebhooks notice
