namespace CachetMonitor.Domain

type Policy =
    {
        AllowedFails: int
        SuccessThreshold: int
        Actions: Set<MonitorAction>
        LatencyUnit: LatencyUnit
        Titles: Titles
        PublicIncidents: bool
    }

type IncidentEvent =
    | Opened
    | Changed
    | Resolved

[<RequireQualifiedAccess>]
module IncidentEvent =
    let name event =
        match event with
        | Opened -> "opened"
        | Changed -> "changed"
        | Resolved -> "resolved"

type WebhookNotice =
    {
        Event: IncidentEvent
        Title: string
        Message: string
    }
