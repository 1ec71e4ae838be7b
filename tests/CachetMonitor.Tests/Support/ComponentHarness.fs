/// Builds the host's component write path by hand, for tests that drive it without the whole daemon.
module CachetMonitor.Tests.Support.ComponentHarness

open System
open Microsoft.Extensions.Logging
open CachetMonitor.Domain
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Cachet.Sync
open CachetMonitor.Host.Scheduling

/// The component of `endpoints` (all on one component_id) writing through `cachet`; webhooks go to `notify`.
let componentWith
    (cachet: ICachetApi)
    (options: CachetWriteOptions)
    (gate: CachetWriteGate)
    (notify: string -> WebhookNotice -> unit)
    (logger: ILogger)
    (endpoints: Endpoint list)
    =
    ComponentSync(
        HostInterop.Plans(endpoints)[0],
        cachet,
        gate,
        options,
        Action<string, WebhookNotice>(notify),
        Func<string, string>(id),
        SyncCounters(),
        TimeProvider.System,
        logger
    )

/// One endpoint on its own component, writing through `cachet`; no webhooks.
let monitorWith (cachet: ICachetApi) (options: CachetWriteOptions) (gate: CachetWriteGate) (logger: ILogger) endpoint =
    EndpointMonitor(endpoint, componentWith cachet options gate (fun _ _ -> ()) logger [ endpoint ])

/// Cachet showed `status` and, when given, an unresolved incident of ours (tagged) with that id.
let adopt (monitor: EndpointMonitor) (status: ComponentStatus) (incident: Nullable<int>) =
    let incidents =
        if incident.HasValue then
            [ HostInterop.SeenIncident(incident.Value, "adopted", true, true, Nullable()) ]
        else
            []

    monitor.Component.Apply(HostInterop.Adopted(HostInterop.StatusCode status, incidents))

/// Nothing is known of Cachet (a dry run).
let startUnknown (monitor: EndpointMonitor) =
    monitor.Component.Apply(HostInterop.Adopted(0, []))
