namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of a `webhooks:` entry.
[<RequireQualifiedAccess>]
module internal WebhookKeys =
    let rows: ConfigKey list =
        [
            key
                ConfigSection.Webhook
                "url"
                KeyType.TemplateText
                true
                Original
                "Called with POST; an http(s) URL template with `{title}` and `{message}` only."
            optional
                ConfigSection.Webhook
                "params"
                (KeyType.MapOf KeyType.Text)
                Original
                (Some "{}")
                "Added to the query string (templates; `null` values left out)."
            optional
                ConfigSection.Webhook
                "json"
                KeyType.Flag
                ours
                (Some "false")
                "Send `params` as a JSON body instead of the query string."
        ]
