namespace CachetMonitor.Domain

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
    /// Renders a webhook for an event: `{title}` and `{message}` (the title when the message is empty) are
    /// percent-encoded into the URL and placed raw into each parameter value; with `Json` the parameters form the
    /// body instead of the query string.
    val render: webhook: Webhook -> notice: WebhookNotice -> WebhookRequest

    /// Form-encodes a query component as the original does: unreserved characters kept, space as `+`, the rest
    /// percent-encoded UTF-8.
    val formEncode: text: string -> string

    /// The URL to POST to: the query parameters form-encoded and appended after any existing query (before a
    /// `#fragment`, if the URL has one).
    val buildUrl: request: WebhookRequest -> string
