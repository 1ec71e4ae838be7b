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

/// Which incident event a webhook reports.
type IncidentEvent =
    | Opened
    | Changed
    | Resolved

/// Naming incident events.
[<RequireQualifiedAccess>]
module IncidentEvent =
    /// `opened`, `changed` or `resolved`.
    val name: event: IncidentEvent -> string

/// Webhooks to fire for an incident event.
type WebhookNotice =
    {
        Event: IncidentEvent
        Title: string
        Message: string
    }
