namespace CachetMonitor.Domain

open CachetMonitor.Domain.KeyRow

/// The keys of an endpoint's `expectation:` entries.
[<RequireQualifiedAccess>]
module internal ExpectationKeys =
    let rows: ConfigKey list =
        [
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
        ]
