namespace CachetMonitor.Domain.CSharp

open System.Collections.Generic
open CachetMonitor.Domain

/// One webhook POST to make for an incident event (without the Cachet token).
[<Sealed>]
type WebhookCall internal (request: WebhookRequest) =
    /// The URL to POST to, the parameters already in its query string unless they form a JSON body.
    member _.Url = WebhookRequest.buildUrl request

    /// The parameters to send as a JSON object of strings (<c>json: true</c>), in config order; null otherwise.
    member _.JsonBody: IReadOnlyList<KeyValuePair<string, string>> | null =
        match request.JsonBody with
        | Some fields -> fields |> List.map KeyValuePair |> List.toArray :> _
        | None -> null
