namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of `messages:` (global, or per endpoint): incident titles and messages.
[<RequireQualifiedAccess>]
module internal MessageKeys =
    let rows: ConfigKey list =
        [
            optional
                ConfigSection.Messages
                "incident_outage"
                KeyType.TemplateText
                Original
                (Some "\"{name} is unavailable\"")
                "Title for statuses 3 and 4."
            optional
                ConfigSection.Messages
                "incident_performance"
                KeyType.TemplateText
                Original
                (Some "\"{name} has degraded performance\"")
                "Title for status 2 (the README's misspelling `incident_performace` is read too, with a warning)."
            optional
                ConfigSection.Messages
                "incident_operational"
                KeyType.TemplateText
                Original
                (Some "\"{name} is operational\"")
                "Title for status 1."

            optional
                ConfigSection.Messages
                "incident_outage_message"
                KeyType.TemplateText
                ours
                None
                "Incident message when an endpoint opens or raises an incident to PARTIAL or MAJOR. Without it the message is the check's failure text (as the original). Placeholders: `{name}`, `{url}`, `{reason}` (the failure text), `{status_code}`, `{latency_ms}`, `{expires_in_days}` (empty when the check has no such value) and any scalar key of the endpoint."
            optional
                ConfigSection.Messages
                "incident_performance_message"
                KeyType.TemplateText
                ours
                None
                "Incident message for PERFORMANCE, with the placeholders of `incident_outage_message`. Without it the message is the check's failure text."
            optional
                ConfigSection.Messages
                "incident_operational_message"
                KeyType.TemplateText
                ours
                None
                "Message of the resolve (and of the `resolved` webhook). Without it the message is the operational title. Placeholders: `{name}`, `{url}` and the endpoint's scalar keys (no check has failed, so `{reason}` and the other failure values are refused)."
        ]
