namespace CachetMonitor.Domain.CSharp

open System.Collections.Generic
open CachetMonitor.Domain

/// The <c>cachet</c> section (the token stays out of this view: it is a secret the runner resolves).
[<Sealed>]
type CachetConfig internal (inner: CachetSettings) =
    /// The API base including <c>/api/v1</c>, without a trailing <c>/</c> (after <c>CACHET_API_URL</c>).
    member _.ApiUrl = inner.ApiUrl

    /// Seconds between re-reads of Cachet's statuses and incidents (<c>resync_interval</c>).
    member _.ResyncSeconds = inner.ResyncSeconds

/// A webhook fired on incident events, with its templates as written.
[<Sealed>]
type WebhookConfig internal (inner: Webhook) =
    member internal _.Inner = inner

    /// The URL template (<c>{title}</c> and <c>{message}</c> are its placeholders).
    member _.Url = Template.source inner.Url

    /// The parameter templates, in config order.
    member _.Parameters: IReadOnlyList<KeyValuePair<string, string>> =
        inner.Params
        |> List.map (fun (name, value) -> KeyValuePair(name, Template.source value))
        |> List.toArray
        :> _

    /// Whether the parameters are sent as a JSON body instead of the query string (<c>json</c>).
    member _.Json = inner.Json

/// A whole, valid configuration.
[<Sealed>]
type MonitorConfig internal (inner: Config) =
    member internal _.Inner = inner

    /// The endpoints, in config order.
    member _.Endpoints: IReadOnlyList<EndpointConfig> =
        inner.Endpoints |> List.map EndpointConfig |> List.toArray :> _

    /// The <c>cachet</c> section.
    member _.Cachet = CachetConfig inner.Cachet

    /// The webhooks, in config order.
    member _.Webhooks: IReadOnlyList<WebhookConfig> =
        inner.Webhooks |> List.map WebhookConfig |> List.toArray :> _
