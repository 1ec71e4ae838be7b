namespace CachetMonitor.Domain

/// One endpoint of a component, as the component's decisions need it (config order is kept in the plan).
type Member =
    {
        Endpoint: Endpoint
        Policy: Policy
    }

    /// The endpoint's name (unique in a config).
    member this.Name = this.Endpoint.Name

/// The endpoints that drive one Cachet component, in config order (the order breaks ties between titles).
type ComponentPlan =
    {
        ComponentId: int
        Members: Member list
    }

/// Why an endpoint counts as down.
type DownReason =
    {
        Severity: Severity
        /// The message of the check that set this severity ("" when inherited from Cachet at adoption).
        Message: string
        /// True once the endpoint's own failures crossed `allowed_fails`; false while the down state is only
        /// inherited from what Cachet showed (such an endpoint keeps an incident open but never opens one).
        Confirmed: bool
    }

/// One endpoint's debouncing state.
type MemberState =
    {
        /// Consecutive failing checks (saturating).
        Failures: int
        /// Consecutive passing checks (saturating).
        Successes: int
        Down: DownReason option
        /// Whether any check of this endpoint has been seen.
        Checked: bool
    }

/// The incident this monitor keeps open on a component.
type OurIncident =
    {
        /// Cachet's id; `None` while the create is in flight.
        Id: int option
        /// The severity last written.
        Severity: Severity
        Visible: bool
    }

/// An unresolved incident on the component that this monitor did not open: never updated or resolved; the
/// component's status is not set better than its floor while it is open.
type ForeignIncident = { Id: int; Floor: ComponentStatus }

/// An unresolved incident as read from Cachet.
type SeenIncident =
    {
        Id: int
        Name: string
        /// Carries this monitor's tag (`meta` on 2.4).
        Tagged: bool
        Visible: bool
        /// The status the incident gives the component, when the API says (Cachet 3); `None` on 2.x.
        ComponentStatus: ComponentStatus option
    }

/// What Cachet shows for a component: its status and its unresolved incidents, newest first.
type CachetView =
    {
        Status: ComponentStatus
        Incidents: SeenIncident list
    }

/// An incident write the core waits for (one at a time per component, so writes coalesce to the current truth).
type PendingWrite =
    {
        Write: int
        /// The component status the write sets in Cachet, if any.
        Sets: ComponentStatus option
        /// The stray incident being resolved, if that is what the write does.
        Stray: int option
    }

/// A point for a metric: a latency, or the number read by the endpoint's `metric_value`.
type MetricPoint =
    {
        MetricId: int
        Endpoint: string
        /// A latency already in the endpoint's `latency_unit`, or the `metric_value` as read.
        Value: float
        UnixSeconds: int64
    }

/// Why a component's writes are held back now (quiet times); the shell feeds it whenever it changes.
type Quiet =
    {
        /// Endpoints in a maintenance window or a Cachet schedule in progress: their failures may keep what Cachet
        /// shows (and an incident already open), but never open an incident or make the status worse.
        Maintenance: Set<string>
        /// Endpoints (among `Maintenance`) in an open window with `maintenance_status: true`, when Cachet has an
        /// "under maintenance" status (Cachet 3; empty on 2.x): the component shows it instead of their state.
        ShownInMaintenance: Set<string>
        /// The monitor's own network is down: no status or incident writes, metric points held back.
        Offline: bool
    }

/// Quiet states.
[<RequireQualifiedAccess>]
module Quiet =
    /// Nothing held back.
    let none =
        {
            Maintenance = Set.empty
            ShownInMaintenance = Set.empty
            Offline = false
        }

    /// A component's quiet state at `now`: its endpoints in an open window (all of them when the component is in a
    /// Cachet schedule in progress), those of them to show as under maintenance (only when `statusShown`: Cachet
    /// has that status), and whether the monitor is offline.
    let at
        (windows: MaintenanceWindow list)
        (now: System.DateTimeOffset)
        statusShown
        scheduled
        offline
        (plan: ComponentPlan)
        =
        let names filter =
            plan.Members |> List.filter filter |> List.map (fun m -> m.Name) |> Set.ofList

        let windowsOf =
            plan.Members
            |> List.map (fun m -> m.Name, Maintenance.openFor windows now m.Name)
            |> Map.ofList

        {
            Maintenance = names (fun m -> scheduled || not windowsOf[m.Name].IsEmpty)
            ShownInMaintenance =
                if statusShown then
                    names (fun m -> windowsOf[m.Name] |> List.exists (fun w -> w.ShowMaintenance))
                else
                    Set.empty
            Offline = offline
        }

/// One component's state: its endpoints' debouncing and what this monitor knows of Cachet.
type ComponentState =
    {
        Plan: ComponentPlan
        Members: Map<string, MemberState>
        /// Cachet's state has been read; until then checks are counted but nothing is written.
        Adopted: bool
        /// The component status Cachet shows, as far as this monitor knows.
        Shown: ComponentStatus
        Incident: OurIncident option
        /// The incident severity webhooks last announced (`None`: no incident announced).
        Announced: Severity option
        Foreign: ForeignIncident list
        /// Unresolved incidents of ours beyond the one kept (duplicates from a crash): resolved one by one.
        Strays: int list
        /// Unresolved incidents of ours (newest first) seen while no endpoint has CREATE_INCIDENT: left alone and no
        /// floor; a reload that adds CREATE_INCIDENT takes them over instead of opening another.
        Dormant: SeenIncident list
        /// A person resolved our incident while an endpoint was still down: no new incident until all recover.
        Suppressed: bool
        /// The component is no longer monitored: our incident is resolved and our status put back.
        Retiring: bool
        Pending: PendingWrite option
        NextWrite: int
        /// Bumped by every Cachet write decided or acknowledged: a resync read taken before a write is stale.
        Version: int
        Quiet: Quiet
        /// This monitor set the component under maintenance (`maintenance_status`): when the window closes the
        /// status is put back at once, without waiting for a check.
        SetInMaintenance: bool
        /// Metric points measured while offline, newest first (bounded), pushed when the monitor is back online.
        Held: MetricPoint list
    }

/// Something that happened to a component: a check, a read of Cachet, or the outcome of a write.
type ComponentEvent =
    /// One check of a member endpoint, with its start time (Unix seconds) for metric points.
    | Checked of endpoint: string * verdict: Verdict * unixSeconds: int64
    /// The number a check of a member endpoint read for its `metric_value` (the check itself comes as `Checked`),
    /// with the check's start time: pushed as the metric point instead of the latency.
    | Measured of endpoint: string * value: float * unixSeconds: int64
    /// Start-up (or a new Cachet instance): what Cachet shows.
    | Adopted of CachetView
    /// A periodic re-read of Cachet, taken when the state's `Version` was `version`.
    | Resynced of view: CachetView * version: int
    /// The create of write `write` succeeded with this incident id.
    | IncidentOpened of write: int * incidentId: int
    /// The update or resolve of write `write` was acknowledged.
    | IncidentWritten of write: int
    /// Write `write` found its incident gone (404): someone deleted it.
    | IncidentGone of write: int
    /// Cachet refused write `write` for good (400): it is not retried.
    | IncidentRefused of write: int
    /// Hot reload changed the component's endpoints: unchanged ones keep their state.
    | Reconfigured of ComponentPlan
    /// The Cachet instance or token changed: what was known of Cachet is forgotten until `Adopted`.
    | CachetChanged
    /// The component is no longer in the config.
    | Retired
    /// The quiet state changed (a maintenance window or schedule opened or closed; the monitor went offline or
    /// came back): when it ends, the endpoints' current truth is written.
    | Quieted of Quiet

/// A component status to write.
type StatusWrite =
    {
        ComponentId: int
        Status: ComponentStatus
    }

/// An incident to create (incident status 1, Investigating), tagged as this monitor's.
type IncidentCreate =
    {
        Write: int
        ComponentId: int
        /// Cachet 2.x sets the component to this status with the incident.
        ComponentStatus: ComponentStatus
        Severity: Severity
        Title: string
        Message: string
        Visible: bool
        /// The tag that marks the incident as this monitor's (`meta.cachet_monitor`).
        Tag: string
    }

/// A change of our open incident's severity.
type IncidentUpdate =
    {
        Write: int
        ComponentId: int
        IncidentId: int
        ComponentStatus: ComponentStatus
        Severity: Severity
        Title: string
        Message: string
        Visible: bool
    }

/// Our incident is fixed (incident status 4).
type IncidentResolve =
    {
        Write: int
        ComponentId: int
        IncidentId: int
        Message: string
        Visible: bool
        /// The component status to set with it (`None`: leave the component alone, e.g. a stray duplicate).
        ComponentStatus: ComponentStatus option
    }

/// Webhooks to fire for a component incident event.
type ComponentNotice =
    {
        ComponentId: int
        /// The endpoint whose check set the incident's title.
        Endpoint: string
        Notice: WebhookNotice
    }

/// What must become true in Cachet (or be sent): complete, so the shell executes it literally.
type ComponentCommand =
    | SetStatus of StatusWrite
    | OpenIncident of IncidentCreate
    | UpdateIncident of IncidentUpdate
    | ResolveIncident of IncidentResolve
    | PushMetric of MetricPoint
    | Notify of ComponentNotice
