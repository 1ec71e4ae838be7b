namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of `maintenance:` windows and of the `connectivity:` guard.
[<RequireQualifiedAccess>]
module internal QuietTimeKeys =
    let rows: ConfigKey list =
        [
            key ConfigSection.Maintenance "name" KeyType.Text true ours "Shown in logs, `check` and `/metrics`."
            optional
                ConfigSection.Maintenance
                "cron"
                KeyType.CronText
                ours
                None
                "A 5-field cron expression (minute hour day month weekday) for when the window opens; with `duration`. Either `cron` or `start` and `end`."
            optional
                ConfigSection.Maintenance
                "duration"
                (KeyType.Duration ConfigKeys.MaxWindowSeconds)
                ours
                None
                "How long a `cron` window stays open (elapsed time, also across a change of daylight saving time)."
            optional
                ConfigSection.Maintenance
                "timezone"
                KeyType.TimeZoneName
                ours
                (Some "UTC")
                "The time zone `cron` is read in (IANA name, e.g. `Europe/Berlin`); a time skipped by daylight saving opens the window at the end of the gap, a repeated time opens it once."
            optional
                ConfigSection.Maintenance
                "start"
                KeyType.Instant
                ours
                None
                "A one-off window: when it opens (ISO 8601 with offset, e.g. `2026-12-01T02:00:00Z`); with `end`."
            optional
                ConfigSection.Maintenance
                "end"
                KeyType.Instant
                ours
                None
                "When a one-off window closes (after `start`)."
            optional
                ConfigSection.Maintenance
                "endpoints"
                (KeyType.ListOf(KeyType.Text, 0))
                ours
                (Some "[]")
                "The endpoints (by `name`) the window covers; empty or absent: every endpoint."
            optional
                ConfigSection.Maintenance
                "maintenance_status"
                KeyType.Flag
                ours
                (Some "false")
                "Cachet 3: the covered components whose endpoints have `UPDATE_STATUS` are set to under maintenance (status 6) while the window is open, and back to what the checks say when it closes; a failure outside the window or a person's incident shows over it. Cachet 2.x has no such status: a warning when Cachet is detected, and the window only holds writes back."

            optional
                ConfigSection.Connectivity
                "urls"
                (KeyType.ListOf(KeyType.UrlOf ConfigKeys.ConnectivitySchemes, 0))
                ours
                (Some "[]")
                "Checked every `frequency`; while every one fails (no answer: any HTTP status counts as an answer) the monitor is offline: no status or incident writes, metric points held back, `/readyz` 503."
            optional
                ConfigSection.Connectivity
                "frequency"
                (KeyType.Seconds ConfigKeys.MaxFrequencySeconds)
                ours
                (Some "30")
                "Seconds between connectivity checks."
            optional
                ConfigSection.Connectivity
                "timeout"
                (KeyType.Seconds ConfigKeys.MaxTimeoutSeconds)
                ours
                (Some "10")
                "Seconds a connectivity check may take."
            optional
                ConfigSection.Connectivity
                "all_failing_threshold"
                KeyType.Fraction
                ours
                None
                "A heuristic for the monitor's own network failing, off when absent (with or without `urls`): when at least this share (e.g. `0.9`) of at least 5 endpoints fail within one minute, status and incident writes are held (as offline) until every failing endpoint has been checked once more; then the failures are believed, or the blip is forgotten."
        ]
