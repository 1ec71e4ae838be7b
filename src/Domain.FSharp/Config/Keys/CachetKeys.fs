namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of `cachet:` and of its `token:` provider.
[<RequireQualifiedAccess>]
module internal CachetKeys =
    let rows: ConfigKey list =
        [
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
        ]
