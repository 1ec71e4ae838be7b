namespace CachetMonitor.Domain

/// What one endpoint's monitor is allowed and required to do; built from its config.
type Policy =
    {
        /// Failing checks tolerated before going down (`allowed_fails`).
        AllowedFails: int
        /// Passing checks needed to recover (`success_threshold`).
        SuccessThreshold: int
        Actions: Set<MonitorAction>
        LatencyUnit: LatencyUnit
        Titles: Titles
        PublicIncidents: bool
    }

/// An incident this monitor keeps open in Cachet.
type OpenIncident =
    {
        /// Cachet's id, when the incident was adopted at start-up; a newly opened one is known to the shell only.
        Id: int option
        Severity: Severity
    }

/// One endpoint's monitor state.
type MonitorState =
    {
        /// Consecutive failing checks.
        Failures: int
        /// Consecutive passing checks.
        Successes: int
        /// The severity the endpoint is down with; `None` while up.
        Down: Severity option
        /// The component status Cachet shows, as far as this monitor knows.
        Shown: ComponentStatus
        Incident: OpenIncident option
    }

/// Which incident event a webhook reports.
type IncidentEvent =
    | Opened
    | Changed
    | Resolved

/// Naming incident events.
[<RequireQualifiedAccess>]
module IncidentEvent =
    /// `opened`, `changed` or `resolved`.
    let name event =
        match event with
        | Opened -> "opened"
        | Changed -> "changed"
        | Resolved -> "resolved"

/// A new incident to open (incident status 1, Investigating).
type IncidentOpening =
    {
        Severity: Severity
        Title: string
        Message: string
        Visible: bool
    }

/// A change of the open incident's severity.
type IncidentChange =
    {
        IncidentId: int option
        Severity: Severity
        Title: string
        Message: string
        Visible: bool
    }

/// The open incident is fixed (incident status 4) and the component is operational again.
type IncidentResolution =
    {
        IncidentId: int option
        Title: string
        Visible: bool
    }

/// Webhooks to fire for an incident event.
type WebhookNotice =
    {
        Event: IncidentEvent
        Title: string
        Message: string
    }

/// What must become true in Cachet (or be sent) after a check.
type MonitorCommand =
    | SetComponentStatus of ComponentStatus
    | OpenIncident of IncidentOpening
    | UpdateIncident of IncidentChange
    | ResolveIncident of IncidentResolution
    /// A latency point, already in the endpoint's `latency_unit`.
    | PushMetric of value: float
    | NotifyWebhooks of WebhookNotice
