namespace CachetMonitor.Domain

/// The table of every config key: the only place a key is described. The parser reads it (known keys, required
/// keys, defaults), and the reference docs and the JSON Schema are made from it.
[<RequireQualifiedAccess>]
module ConfigKeyTable =
    let private key section name keyType required origin doc =
        {
            Section = section
            Name = name
            Type = keyType
            Required = required
            Default = None
            AppliesTo = []
            Doc = doc
            Origin = origin
        }

    let private optional section name keyType origin defaultText doc =
        { key section name keyType false origin doc with
            Default = defaultText
        }

    let private ours = Added "0.1.0"

    let private severity = KeyType.Choice(ConfigKeys.Severities, true)

    /// Every key, section by section, in the order the reference lists them.
    let all: ConfigKey list =
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

            key
                ConfigSection.Cachet
                "api_url"
                KeyType.HttpUrl
                true
                Original
                "The API base: `https://host/api/v1` for Cachet 2.x, `https://host/api` (or `https://host/status/api`) for Cachet 3.x, or with `api_version: auto` also the host alone (`https://host`); a trailing `/` is dropped. `CACHET_API_URL` (non-empty) replaces it, and then the key may be left out. Redirects are not followed: a Cachet that answers 3xx is a start-up error naming the `Location` and the `api_url` to use (the token is never sent elsewhere); a 404 names the URL requested and says when `/api/v1` is missing. User-info is sent as Basic auth and never shown."
            key
                ConfigSection.Cachet
                "token"
                KeyType.TokenValue
                true
                Original
                "The API token (sent as `X-Cachet-Token` to Cachet 2.x, as `Authorization: Bearer` to Cachet 3.x): a string, one token provider mapping, or a list of providers tried in order (the first non-empty value wins). `CACHET_TOKEN` (non-empty) replaces a string token, and then the key may be left out."
            optional
                ConfigSection.Cachet
                "api_version"
                (KeyType.Choice(ConfigKeys.ApiVersions, true))
                ours
                (Some "auto")
                "Which Cachet API to speak: `2` (API v1 of Cachet 2.3/2.4), `3` (Cachet 3.x), or `auto`: told apart at start-up (`/api/v1/ping` answers on 2.x; `{base}/ping` and an object from `{base}/version` on 3.x, trying `/api` and `/status/api` when `api_url` is the host alone), logged, and a clear error naming every URL tried when neither answers."
            optional
                ConfigSection.Cachet
                "rate_limit_per_minute"
                (KeyType.WholeNumber(1, ConfigKeys.MaxRateLimitPerMinute))
                ours
                (Some "240")
                "Cachet 3 only (2.x has no rate limit): the monitor's own budget of Cachet calls a minute, kept below Cachet 3's limit (300 a minute per user by default, `CACHET_API_RATE_LIMIT`; every token of one Cachet user shares it). Calls are spread so that no minute sees more than 1.25 × this (300 for 240); a sixteenth is kept for incident, status and read calls, metric points use the rest and, when it is short, each metric's waiting points are averaged into one. A warning at start-up says when the config's metrics cannot fit ([cachet-3.md](cachet-3.md) has the arithmetic). Read at start-up (a reload keeps the running budget)."
            optional
                ConfigSection.Cachet
                "resync_interval"
                (KeyType.Seconds ConfigKeys.MaxResyncSeconds)
                ours
                (Some "300")
                "How often the statuses and unresolved incidents of the monitored components are re-read from Cachet (a reload keeps the running interval)."
            optional
                ConfigSection.Cachet
                "respect_schedules"
                KeyType.Flag
                ours
                (Some "true")
                "Components in a Cachet schedule (planned maintenance) that is in progress are in maintenance, as in a `maintenance` window; schedules are read at start-up and with every resync (Cachet 2.4 and 3.x; 2.3 has none)."
            optional
                ConfigSection.Cachet
                "ca_file"
                KeyType.Text
                ours
                None
                "A PEM file of CA certificates trusted for the Cachet API in addition to the system store (a private CA). Read at load: a file that cannot be read or holds no certificate is an error naming this key."
            optional
                ConfigSection.Cachet
                "client_certificate"
                KeyType.Text
                ours
                None
                "A PEM client certificate sent to Cachet (mutual TLS), with its key in `client_key` or in this file. Read at load; the key is never shown."
            optional
                ConfigSection.Cachet
                "client_key"
                KeyType.Text
                ours
                None
                "The PEM private key of `client_certificate` (unencrypted PKCS#8, PKCS#1 or EC). Needs `client_certificate`."

            { key
                  ConfigSection.TokenProvider
                  "type"
                  (KeyType.Choice(ConfigKeys.ProviderTypes, false))
                  true
                  Original
                  "Where the token comes from." with
                AppliesTo = []
            }
            { key
                  ConfigSection.TokenProvider
                  "value"
                  KeyType.Text
                  true
                  Original
                  "`ENVIRONMENT_VARIABLE`: the variable's name (empty counts as nothing); `TOKEN`: the token itself." with
                AppliesTo = [ "ENVIRONMENT_VARIABLE"; "TOKEN" ]
            }
            { key ConfigSection.TokenProvider "secret_name" KeyType.Text true Original "The name of the JSON secret." with
                AppliesTo = [ "AWS_SECRETS_MANAGER" ]
            }
            { key
                  ConfigSection.TokenProvider
                  "secret_key"
                  KeyType.Text
                  true
                  Original
                  "The field of the secret that holds the token." with
                AppliesTo = [ "AWS_SECRETS_MANAGER" ]
            }
            { key ConfigSection.TokenProvider "region" KeyType.Text true Original "The AWS region of the secret." with
                AppliesTo = [ "AWS_SECRETS_MANAGER" ]
            }

            key
                ConfigSection.Endpoint
                "name"
                KeyType.Text
                true
                Original
                "Shown in logs, usable in titles as `{name}`; unique (reload, metrics and shards tell endpoints apart by it)."
            key
                ConfigSection.Endpoint
                "url"
                KeyType.CheckUrl
                true
                Original
                "The URL probed. Templates see the value as written. User-info (`http://user:pass@host/`) is sent as Basic auth (unless `header` sets `Authorization`) and shown as `http://***@host/` everywhere: incident messages, webhooks, logs, `check`. Besides http(s): `tcp://host:port` (a connection), `tls://host:port` (a connection and a TLS handshake), `dns://RESOLVER[:PORT]/NAME?type=A|AAAA|CNAME|MX|TXT` (one question to that resolver; port 53 and type `A` by default); see [checks.md](checks.md)."
            key
                ConfigSection.Endpoint
                "method"
                KeyType.Text
                false
                Original
                "HTTP method, sent upper-cased; shown as written. Required for http(s) URLs; not used by `tcp://`, `tls://` and `dns://`."
            key
                ConfigSection.Endpoint
                "timeout"
                (KeyType.SecondsOrZero ConfigKeys.MaxTimeoutSeconds)
                true
                Original
                "Time allowed for the response. `0` or empty mean 1 second, with a warning (as the original did)."
            key
                ConfigSection.Endpoint
                "frequency"
                (KeyType.SecondsOrZero ConfigKeys.MaxFrequencySeconds)
                true
                Original
                "Seconds between checks (fixed rate). `0` or empty mean 1 second, with a warning (the original checked as fast as it could)."
            key
                ConfigSection.Endpoint
                "component_id"
                (KeyType.WholeNumber(1, ConfigKeys.MaxId))
                true
                Original
                "The Cachet component this endpoint drives."
            key
                ConfigSection.Endpoint
                "expectation"
                (KeyType.ListOfSections(ConfigSection.Expectation, 1))
                false
                Original
                "What a good response looks like. Required for http(s) URLs; a `tcp://`/`tls://` check without it passes when it connects, a `dns://` check when the lookup answers (no NXDOMAIN or SERVFAIL)."
            optional
                ConfigSection.Endpoint
                "header"
                (KeyType.MapOf KeyType.AsciiText)
                Original
                (Some "{}")
                "Request headers; non-string values are written as text. Names must be HTTP tokens; values must be printable ASCII (encode others, e.g. percent-encoding or RFC 8187). Values of headers named `Authorization`, `Cookie` or containing `token`, `key`, `secret` or `password` are masked in all output."
            optional
                ConfigSection.Endpoint
                "insecure"
                KeyType.Flag
                Original
                (Some "false")
                "Skip TLS certificate checks (honoured always, not only with `header`)."
            optional
                ConfigSection.Endpoint
                "allowed_fails"
                (KeyType.CountOrNegative ConfigKeys.MaxCheckCount)
                Original
                (Some "0")
                "Failures tolerated before the status/incident is pushed. A negative value (which the original ran) means 0, with a warning."
            optional
                ConfigSection.Endpoint
                "success_threshold"
                (KeyType.WholeNumber(1, ConfigKeys.MaxCheckCount))
                ours
                (Some "1")
                "Consecutive passing checks needed to recover."
            optional
                ConfigSection.Endpoint
                "metric_id"
                (KeyType.WholeNumber(1, ConfigKeys.MaxId))
                Original
                None
                "The Cachet metric for `PUSH_METRICS`."
            optional
                ConfigSection.Endpoint
                "latency_unit"
                (KeyType.Choice(ConfigKeys.LatencyUnits, true))
                Original
                (Some "s")
                "Unit of pushed metric points only (an unknown unit without `PUSH_METRICS` is a warning). Points are rounded to the microsecond in that unit (3 decimals in `ms`, 6 in `s`, 8 in `m`, 10 in `h`)."
            optional
                ConfigSection.Endpoint
                "action"
                (KeyType.ListOf(KeyType.Choice(ConfigKeys.Actions, false), 0))
                Original
                (Some "[]")
                "What may change in Cachet; order does not matter."
            optional
                ConfigSection.Endpoint
                "public_incidents"
                KeyType.Flag
                Original
                (Some "true")
                "Incident visibility (the original crashed without it)."
            optional
                ConfigSection.Endpoint
                "body"
                KeyType.Text
                ours
                None
                "Request body, sent as written (UTF-8, `text/plain` unless a `header` sets `Content-Type`)."
            optional ConfigSection.Endpoint "on_timeout" severity ours (Some "PERFORMANCE") "Severity of a time-out."
            optional
                ConfigSection.Endpoint
                "on_unreachable"
                severity
                ours
                (Some "PARTIAL")
                "Severity of a connection failure."
            optional
                ConfigSection.Endpoint
                "messages"
                (KeyType.SectionOf ConfigSection.Messages)
                ours
                None
                "This endpoint's own titles and incident message templates: each key written here replaces the global `messages` key of the same name for this endpoint only."
            optional
                ConfigSection.Endpoint
                "ca_file"
                KeyType.Text
                ours
                None
                "A PEM file of CA certificates trusted in addition to the system store (a private CA). Read at load: a file that cannot be read or holds no certificate is an error naming this key. `insecure: true` skips the checks anyway."
            optional
                ConfigSection.Endpoint
                "client_certificate"
                KeyType.Text
                ours
                None
                "A PEM client certificate sent when the target asks for one (mutual TLS), with its key in `client_key` or in this file. Read at load; the key is never shown."
            optional
                ConfigSection.Endpoint
                "client_key"
                KeyType.Text
                ours
                None
                "The PEM private key of `client_certificate` (unencrypted PKCS#8, PKCS#1 or EC). Needs `client_certificate`."
            optional
                ConfigSection.Endpoint
                "proxy"
                KeyType.Text
                ours
                None
                "The proxy for this endpoint's requests: an `http://`, `https://`, `socks4://`, `socks4a://` or `socks5://` URL of a host and port (user-info is sent to the proxy and masked in output). Without it `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (or their lower-case forms) apply."
            optional
                ConfigSection.Endpoint
                "follow_redirects"
                KeyType.Flag
                ours
                (Some "true")
                "Follow redirects (up to 10). `false`: a 3xx answer is the observed status, which `HTTP_STATUS` judges like any other."
            key
                ConfigSection.Endpoint
                "send"
                KeyType.Text
                false
                ours
                "`tcp://` and `tls://` only: text written (UTF-8) once connected, e.g. `PING\r\n` for Redis."
            key
                ConfigSection.Endpoint
                "expect"
                KeyType.RegexText
                false
                ours
                "`tcp://` and `tls://` only: a regular expression the first bytes the server sends (after `send`, up to 4 KiB or the timeout) must match, e.g. `^220 ` for SMTP; a mismatch fails as `PARTIAL`."

            key
                ConfigSection.Expectation
                "type"
                (KeyType.Choice(ConfigKeys.ExpectationTypes, false))
                true
                Original
                "The kind of check; each type has its own parameter."
            optional
                ConfigSection.Expectation
                "incident"
                severity
                Original
                None
                "The severity of a failure (default: `PARTIAL`, `PERFORMANCE` for `LATENCY` and `CERTIFICATE_EXPIRATION`)."
            { key
                  ConfigSection.Expectation
                  "status_range"
                  KeyType.StatusRanges
                  true
                  Original
                  "`HTTP_STATUS`: passes when the status code is in the range (upper bound exclusive) or any listed item." with
                AppliesTo = [ "HTTP_STATUS" ]
            }
            { key
                  ConfigSection.Expectation
                  "threshold"
                  KeyType.PositiveNumber
                  true
                  Original
                  "`LATENCY`: passes when latency ≤ threshold seconds. `CERTIFICATE_EXPIRATION`: fails when the certificate expires within threshold days." with
                AppliesTo = [ "LATENCY"; "CERTIFICATE_EXPIRATION" ]
            }
            { key
                  ConfigSection.Expectation
                  "regex"
                  KeyType.RegexText
                  false
                  Original
                  "`REGEX` (required): passes when the pattern matches anywhere in the body (`.` matches newlines; Python's `(?P<n>…)` is translated). `JSON`, `DNS_ANSWER`: instead of `value`, the pattern the value (or one answer) must match." with
                AppliesTo = [ "REGEX"; "JSON"; "DNS_ANSWER" ]
            }
            { key
                  ConfigSection.Expectation
                  "path"
                  KeyType.Text
                  true
                  ours
                  "`JSON`: where the value is: member names separated by dots, `[n]` for array items (`components.db.status`, `items[0].id`)." with
                AppliesTo = [ "JSON" ]
            }
            { key
                  ConfigSection.Expectation
                  "value"
                  KeyType.Text
                  false
                  ours
                  "`JSON`: passes when the value's text equals this (a string's text, a number or `true`/`false`/`null` as written). `DNS_ANSWER`: passes when one answer equals this (names in any case, a trailing dot ignored; MX as `PREFERENCE HOST`). One of `value` and `regex`." with
                AppliesTo = [ "JSON"; "DNS_ANSWER" ]
            }

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
                "Meant for Cachet 3: show the covered components as under maintenance (status 6) while the window is open. Not implemented yet: accepted and validated, it has no effect."

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
                "A heuristic meant for configs without `urls`: when at least this share (e.g. `0.9`) of at least 5 endpoints fail within one minute, hold status and incident writes for one more round of checks. Not implemented yet: accepted and validated, it has no effect."
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

    // The parser asks for a section's rows once per mapping it reads (10,000 endpoints: 10,000 times) and for
    // one row per key it reads: both are indexed once here instead of filtering the whole table each time.
    let private bySection = all |> List.groupBy (fun k -> k.Section) |> Map.ofList

    let private allNames =
        bySection |> Map.map (fun _ keys -> keys |> List.map (fun k -> k.Name))

    let private byName =
        all
        |> List.map (fun k -> (k.Section, k.Name), k)
        |> List.distinctBy fst
        |> Map.ofList

    /// The keys of a section.
    let inSection section =
        bySection |> Map.tryFind section |> Option.defaultValue []

    /// The key names a section knows; for a section with `type`s, those of `kind` (every key when `kind` is unknown).
    let namesFor section (kind: string option) =
        match kind with
        | None -> allNames |> Map.tryFind section |> Option.defaultValue []
        | Some kind ->
            inSection section
            |> List.filter (fun k -> k.AppliesTo.IsEmpty || List.contains kind k.AppliesTo)
            |> List.map (fun k -> k.Name)

    /// The key `name` of `section`, if the table has it.
    let tryFind section name = byName |> Map.tryFind (section, name)
