namespace CachetMonitor.Domain

open System

/// One webhook call to make (always a POST, without the Cachet token).
type WebhookRequest =
    {
        /// The URL with `{title}`/`{message}` rendered percent-encoded, before the query parameters are added.
        Url: string
        /// Parameters for the query string, rendered but not yet encoded (empty in JSON mode).
        Query: (string * string) list
        /// The parameters as a JSON object of strings, in JSON mode.
        JsonBody: (string * string) list option
    }

/// Rendering webhooks for an incident event.
[<RequireQualifiedAccess>]
module WebhookRequest =
    let private lookup (notice: WebhookNotice) (encode: string -> string) name =
        match name with
        | "title" -> Some(encode notice.Title)
        | "message" -> Some(encode (if notice.Message = "" then notice.Title else notice.Message))
        | _ -> None

    /// Renders a webhook for an event: `{title}` and `{message}` (the title when the message is empty) are
    /// percent-encoded into the URL and placed raw into each parameter value; with `Json` the parameters form the
    /// body instead of the query string.
    let render (webhook: Webhook) (notice: WebhookNotice) : WebhookRequest =
        let url = Template.render (lookup notice Uri.EscapeDataString) webhook.Url

        let parameters =
            webhook.Params
            |> List.map (fun (key, value) -> key, Template.render (lookup notice id) value)

        if webhook.Json then
            {
                Url = url
                Query = []
                JsonBody = Some parameters
            }
        else
            {
                Url = url
                Query = parameters
                JsonBody = None
            }

    /// Form-encodes a query component as the original does: unreserved characters kept, space as `+`, the rest
    /// percent-encoded UTF-8.
    let formEncode (text: string) =
        Uri.EscapeDataString(text).Replace("%20", "+")

    /// The URL to POST to: the query parameters form-encoded and appended after any existing query (before a
    /// `#fragment`, if the URL has one).
    let buildUrl (request: WebhookRequest) : string =
        if List.isEmpty request.Query then
            request.Url
        else
            let query =
                request.Query
                |> List.map (fun (key, value) -> $"{formEncode key}={formEncode value}")
                |> String.concat "&"

            let hash = request.Url.IndexOf '#'

            let beforeFragment, fragment =
                if hash < 0 then
                    request.Url, ""
                else
                    request.Url.Substring(0, hash), request.Url.Substring hash

            let separator =
                if not (beforeFragment.Contains '?') then
                    "?"
                elif beforeFragment.EndsWith '?' || beforeFragment.EndsWith '&' then
                    ""
                else
                    "&"

            $"{beforeFragment}{separator}{query}{fragment}"
