namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The top-level keys of `config.yml`.
[<RequireQualifiedAccess>]
module internal RootKeys =
    let rows: ConfigKey list =
        [
            key
                ConfigSection.Root
                "endpoints"
                (KeyType.ListOfSections(ConfigSection.Endpoint, 1))
                true
                Original
                "The URLs to watch; at least one."
            key
                ConfigSection.Root
                "cachet"
                (KeyType.SectionOf ConfigSection.Cachet)
                true
                Original
                "Where Cachet is and how to authenticate."
            optional
                ConfigSection.Root
                "webhooks"
                (KeyType.ListOfSections(ConfigSection.Webhook, 0))
                Original
                (Some "[]")
                "Called on every incident event of every component with a `CREATE_INCIDENT` endpoint."
            optional
                ConfigSection.Root
                "messages"
                (KeyType.SectionOf ConfigSection.Messages)
                Original
                None
                "Incident title and message templates."
            optional
                ConfigSection.Root
                "maintenance"
                (KeyType.ListOfSections(ConfigSection.Maintenance, 0))
                ours
                (Some "[]")
                "Planned quiet times: while a window is open checks go on and metrics are pushed, but no incident is opened and no status made worse than Cachet shows (docs/quiet-times.md)."
            optional
                ConfigSection.Root
                "connectivity"
                (KeyType.SectionOf ConfigSection.Connectivity)
                ours
                None
                "The connectivity guard: while the monitor's own network is down, no status or incident is written (docs/quiet-times.md)."
        ]
