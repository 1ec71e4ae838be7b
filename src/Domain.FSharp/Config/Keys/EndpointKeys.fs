namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of an endpoint (what is checked, how, and what is written to Cachet).
[<RequireQualifiedAccess>]
module internal EndpointKeys =
    let rows: ConfigKey list =
        [
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
                "Unit of pushed latency points only (an unknown unit without `PUSH_METRICS` is a warning; a `metric_value` is pushed as read). Points are rounded to the microsecond in that unit (3 decimals in `ms`, 6 in `s`, 8 in `m`, 10 in `h`)."
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
            optional
                ConfigSection.Endpoint
                "metric_value"
                (KeyType.SectionOf ConfigSection.MetricValue)
                ours
                None
                "With `PUSH_METRICS` and `metric_id`: push a number read from the response body as the metric point instead of the latency, as read (`latency_unit` does not apply): `json: PATH` or `regex: PATTERN`. http(s) URLs only. A check whose body yields no number pushes no point; the check's status is unaffected ([checks.md](checks.md#value-metrics-metric_value))."
        ]
