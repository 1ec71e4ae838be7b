namespace CachetMonitor.Domain

/// A mapping of the config that holds keys of its own.
[<RequireQualifiedAccess>]
type ConfigSection =
    | Root
    | Cachet
    | TokenProvider
    | Endpoint
    | Expectation
    | Webhook
    | Messages

/// What a key's value must be: drives the JSON Schema and the reference docs (the readers check the same).
[<RequireQualifiedAccess>]
type KeyType =
    | Text
    /// An `http://`/`https://` URL (`http://` is added when there is no `://`).
    | HttpUrl
    /// Seconds, a number > 0 and at most the bound.
    | Seconds of max: float
    /// A whole number in the range.
    | WholeNumber of min: int * max: int
    | Flag
    /// One of the names (any case when `anyCase`).
    | Choice of names: string list * anyCase: bool
    | ListOf of KeyType * atLeast: int
    /// A mapping of free names to values of the type.
    | MapOf of KeyType
    /// A mapping read as the section.
    | SectionOf of ConfigSection
    | ListOfSections of ConfigSection * atLeast: int
    /// A status code, a `LOW-HIGH` range, or a list of them.
    | StatusRanges
    /// A string token, one token provider mapping, or a list of them.
    | TokenValue
    /// A template with `{placeholders}`.
    | TemplateText
    | RegexText

/// Whose key it is: the original cachet-url-monitor's, or one this tool added.
type KeyOrigin =
    | Original
    | Added of since: string

/// One key of the config: the only place it is described.
type ConfigKey =
    {
        Section: ConfigSection
        Name: string
        Type: KeyType
        Required: bool
        /// The default as it would be written in YAML; readers read it with the key's own reader.
        Default: string option
        /// For keys that belong to some `type`s of their section only (expectations, token providers): those types.
        AppliesTo: string list
        Doc: string
        Origin: KeyOrigin
    }

/// The table of every config key, with the limits the readers enforce.
[<RequireQualifiedAccess>]
module ConfigKeys =
    /// The longest `timeout`, in seconds (one day).
    [<Literal>]
    let MaxTimeoutSeconds = 86_400.0

    /// The longest `frequency`, in seconds (one week).
    [<Literal>]
    let MaxFrequencySeconds = 604_800.0

    /// The longest `cachet.resync_interval`, in seconds (one day).
    [<Literal>]
    let MaxResyncSeconds = 86_400.0

    /// The largest `allowed_fails` and `success_threshold`: far beyond any real use (at one check a second,
    /// eleven days), and small enough that counting up to it (`allowed_fails + 1`) cannot overflow.
    [<Literal>]
    let MaxCheckCount = 1_000_000

    /// The largest Cachet id.
    [<Literal>]
    let MaxId = System.Int32.MaxValue

    /// The expectation `type`s.
    let ExpectationTypes = [ "HTTP_STATUS"; "LATENCY"; "REGEX" ]

    /// The largest `cachet.rate_limit_per_minute`.
    [<Literal>]
    let MaxRateLimitPerMinute = 1_000_000

    /// The `cachet.api_version` values.
    let ApiVersions = [ "auto"; "2"; "3" ]

    /// The token provider `type`s.
    let ProviderTypes = [ "ENVIRONMENT_VARIABLE"; "TOKEN"; "AWS_SECRETS_MANAGER" ]

    /// The severities, as `incident`, `on_timeout` and `on_unreachable` take them (any case).
    let Severities = [ "PERFORMANCE"; "PARTIAL"; "MAJOR" ]

    /// The `action` names (upper case, as the original requires).
    let Actions =
        [ UpdateStatus; CreateIncident; PushMetrics ] |> List.map MonitorAction.name

    /// The `latency_unit` spellings.
    let LatencyUnits =
        [ "ms"; "milliseconds"; "s"; "seconds"; "m"; "minutes"; "h"; "hours" ]

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

    let private severity = KeyType.Choice(Severities, true)

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
                "Incident title templates."

            key
                ConfigSection.Cachet
                "api_url"
                KeyType.HttpUrl
                true
                Original
                "The API base: `https://host/api/v1` for Cachet 2.x, `https://host/api` (or `https://host/status/api`) for Cachet 3.x, or with `api_version: auto` also the host alone (`https://host`); a trailing `/` is dropped. `CACHET_API_URL` (non-empty) replaces it, and then the key may be left out."
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
                (KeyType.Choice(ApiVersions, true))
                (Added "0.7.0")
                (Some "auto")
                "Which Cachet API to speak: `2` (API v1 of Cachet 2.3/2.4), `3` (Cachet 3.x), or `auto`: told apart at start-up (`/api/v1/ping` answers on 2.x; `{base}/ping` and an object from `{base}/version` on 3.x, trying `/api` and `/status/api` when `api_url` is the host alone), logged, and a clear error naming every URL tried when neither answers."
            optional
                ConfigSection.Cachet
                "rate_limit_per_minute"
                (KeyType.WholeNumber(1, MaxRateLimitPerMinute))
                (Added "0.7.0")
                (Some "240")
                "Cachet 3 only (2.x has no rate limit): the monitor's own budget of Cachet calls a minute, kept below Cachet 3's limit (300 a minute per user by default, `CACHET_API_RATE_LIMIT`; every token of one Cachet user shares it). Calls are spread so that no minute sees more than 1.25 × this (300 for 240); a sixteenth is kept for incident, status and read calls, metric points use the rest and, when it is short, each metric's waiting points are averaged into one. A warning at start-up says when the config's metrics cannot fit ([cachet-3.md](cachet-3.md) has the arithmetic). Read at start-up (a reload keeps the running budget)."
            optional
                ConfigSection.Cachet
                "resync_interval"
                (KeyType.Seconds MaxResyncSeconds)
                ours
                (Some "300")
                "How often the statuses and unresolved incidents of the monitored components are re-read from Cachet (a reload keeps the running interval)."

            { key
                  ConfigSection.TokenProvider
                  "type"
                  (KeyType.Choice(ProviderTypes, false))
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
                KeyType.HttpUrl
                true
                Original
                "The URL probed. Templates see the value as written. User-info (`user:pass@`) is sent as Basic auth and never shown."
            key
                ConfigSection.Endpoint
                "method"
                KeyType.Text
                true
                Original
                "HTTP method, sent upper-cased; shown as written."
            key
                ConfigSection.Endpoint
                "timeout"
                (KeyType.Seconds MaxTimeoutSeconds)
                true
                Original
                "Time allowed for the response. `0` or empty mean 1 second, with a warning (as the original did)."
            key
                ConfigSection.Endpoint
                "frequency"
                (KeyType.Seconds MaxFrequencySeconds)
                true
                Original
                "Seconds between checks (fixed rate). `0` (which the original ran as fast as it could) means 1 second, with a warning."
            key
                ConfigSection.Endpoint
                "component_id"
                (KeyType.WholeNumber(1, MaxId))
                true
                Original
                "The Cachet component this endpoint drives."
            key
                ConfigSection.Endpoint
                "expectation"
                (KeyType.ListOfSections(ConfigSection.Expectation, 1))
                true
                Original
                "What a good response looks like."
            optional
                ConfigSection.Endpoint
                "header"
                (KeyType.MapOf KeyType.Text)
                Original
                (Some "{}")
                "Request headers; non-string values are written as text. Names must be HTTP tokens; values must be printable ASCII (encode others, e.g. percent-encoding or RFC 8187)."
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
                (KeyType.WholeNumber(0, MaxCheckCount))
                Original
                (Some "0")
                "Failures tolerated before the status/incident is pushed. A negative value (which the original ran) means 0, with a warning."
            optional
                ConfigSection.Endpoint
                "success_threshold"
                (KeyType.WholeNumber(1, MaxCheckCount))
                ours
                (Some "1")
                "Consecutive passing checks needed to recover."
            optional
                ConfigSection.Endpoint
                "metric_id"
                (KeyType.WholeNumber(1, MaxId))
                Original
                None
                "The Cachet metric for `PUSH_METRICS`."
            optional
                ConfigSection.Endpoint
                "latency_unit"
                (KeyType.Choice(LatencyUnits, true))
                Original
                (Some "s")
                "Unit of pushed metric points only (an unknown unit without `PUSH_METRICS` is a warning)."
            optional
                ConfigSection.Endpoint
                "action"
                (KeyType.ListOf(KeyType.Choice(Actions, false), 0))
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

            key
                ConfigSection.Expectation
                "type"
                (KeyType.Choice(ExpectationTypes, false))
                true
                Original
                "The kind of check; each type has its own parameter."
            optional
                ConfigSection.Expectation
                "incident"
                severity
                Original
                None
                "The severity of a failure (default: `PARTIAL`, `PERFORMANCE` for `LATENCY`)."
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
                  (KeyType.Seconds System.Double.MaxValue)
                  true
                  Original
                  "`LATENCY`: passes when latency ≤ threshold seconds." with
                AppliesTo = [ "LATENCY" ]
            }
            { key
                  ConfigSection.Expectation
                  "regex"
                  KeyType.RegexText
                  true
                  Original
                  "`REGEX`: passes when the pattern matches anywhere in the body (`.` matches newlines; Python's `(?P<n>…)` is translated)." with
                AppliesTo = [ "REGEX" ]
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
                (KeyType.MapOf KeyType.TemplateText)
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
        ]

    /// The keys of a section.
    let inSection section =
        all |> List.filter (fun k -> k.Section = section)

    /// The key names a section knows; for a section with `type`s, those of `kind` (every key when `kind` is unknown).
    let namesFor section (kind: string option) =
        inSection section
        |> List.filter (fun k ->
            match kind with
            | Some kind -> k.AppliesTo.IsEmpty || List.contains kind k.AppliesTo
            | None -> true)
        |> List.map (fun k -> k.Name)

    /// The key `name` of `section`, if the table has it.
    let tryFind section name =
        all |> List.tryFind (fun k -> k.Section = section && k.Name = name)

    /// The path under which a section's keys appear, as the docs and error messages write it.
    let pathOf section =
        match section with
        | ConfigSection.Root -> ""
        | ConfigSection.Cachet -> "cachet"
        | ConfigSection.TokenProvider -> "cachet.token[]"
        | ConfigSection.Endpoint -> "endpoints[]"
        | ConfigSection.Expectation -> "endpoints[].expectation[]"
        | ConfigSection.Webhook -> "webhooks[]"
        | ConfigSection.Messages -> "messages"
