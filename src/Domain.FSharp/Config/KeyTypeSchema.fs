namespace CachetMonitor.Domain

open System
open System.Text.Json.Nodes
open CachetMonitor.Domain.SchemaJson

/// The schema of one key's value, by its type in the key table; sections are referenced by their `$defs` name.
module internal KeyTypeSchema =
    let rec valueSchema (keyType: KeyType) : JsonNode =
        match keyType with
        | KeyType.Text
        | KeyType.RegexText -> scalarText ()
        | KeyType.AsciiText ->
            anyOf
                [
                    obj [ "type", str "string"; "pattern", str @"^[\t\x20-\x7E]*$" ]
                    obj [ "type", arr [ str "number"; str "boolean" ] ]
                    fromEnvironment ()
                ]
        | KeyType.TemplateText
        | KeyType.CronText
        | KeyType.TimeZoneName -> obj [ "type", str "string" ]
        | KeyType.Duration _ -> obj [ "type", str "string"; "pattern", str @"^\s*(\d+d)?(\d+h)?(\d+m)?(\d+s)?\s*$" ]
        | KeyType.Instant ->
            // An offset (`Z` or `±hh:mm`) is required; YAML may also read it as a timestamp.
            obj [ "type", str "string"; "pattern", str @"(Z|z|[+-]\d{2}:?\d{2})\s*$" ]
        | KeyType.UrlOf schemes ->
            let alternatives = schemes |> List.map anyCase |> String.concat "|"
            obj [ "type", str "string"; "pattern", str ("^\\s*(" + alternatives + ")://") ]
        | KeyType.Fraction ->
            anyOf
                [
                    obj [ "type", str "number"; "exclusiveMinimum", num 0.0; "maximum", num 1.0 ]
                    obj [ "type", str "string"; "pattern", str numberText ]
                    fromEnvironment ()
                ]
        | KeyType.HttpUrl ->
            // No scheme (http:// is added), or http(s).
            let http = anyCase "http"
            obj [ "type", str "string"; "pattern", str $"^\\s*((?!.*://)\\S|%s{http}[sS]?://)" ]
        | KeyType.CheckUrl ->
            // As HttpUrl, or tcp/tls with host:port, or dns with a resolver, a name and a known type if any.
            let tcp = $"""(%s{anyCase "tcp"}|%s{anyCase "tls"})://[^/?#\s]+:\d+/?\s*$"""

            let types =
                DnsRecordType.all
                |> List.map (DnsRecordType.name >> anyCase)
                |> String.concat "|"

            let dns =
                $"""%s{anyCase "dns"}://[^/?#\s]+/[^/?#\s]+(\?%s{anyCase "type"}=(%s{types}))?\s*$"""

            obj
                [
                    "type", str "string"
                    "pattern", str $"""^\s*((?!.*://)\S|%s{anyCase "http"}[sS]?://|%s{tcp}|%s{dns})"""
                ]
        | KeyType.PositiveNumber -> valueSchema (KeyType.Seconds Double.MaxValue)
        | KeyType.Seconds max ->
            anyOf
                [
                    obj [ "type", str "number"; "exclusiveMinimum", num 0.0; "maximum", num max ]
                    obj [ "type", str "string"; "pattern", str numberText ]
                    fromEnvironment ()
                ]
        | KeyType.SecondsOrZero max ->
            anyOf
                [
                    obj [ "type", str "number"; "minimum", num 0.0; "maximum", num max ]
                    obj [ "type", str "string"; "pattern", str numberText ]
                    obj [ "type", str "null" ]
                    fromEnvironment ()
                ]
        | KeyType.WholeNumber(min, max) ->
            anyOf
                [
                    obj [ "type", str "integer"; "minimum", int min; "maximum", int max ]
                    obj [ "type", str "string"; "pattern", str wholeText ]
                    fromEnvironment ()
                ]
        | KeyType.CountOrNegative max ->
            anyOf
                [
                    obj [ "type", str "integer"; "maximum", int max ]
                    obj [ "type", str "string"; "pattern", str wholeText ]
                    fromEnvironment ()
                ]
        | KeyType.Flag ->
            anyOf
                [
                    obj [ "type", str "boolean" ]
                    obj
                        [
                            "type", str "string"
                            "pattern", str (choicePattern [ "true"; "false"; "yes"; "no"; "on"; "off" ] true)
                        ]
                    fromEnvironment ()
                ]
        | KeyType.Choice(names, caseless) ->
            anyOf
                [
                    (if caseless then
                         obj [ "type", str "string"; "pattern", str (choicePattern names true) ]
                     else
                         obj [ "enum", arr (names |> List.map str) ])
                    fromEnvironment ()
                ]
        | KeyType.ListOf(item, atLeast) ->
            obj [ "type", str "array"; "items", valueSchema item; "minItems", int atLeast ]
        | KeyType.MapOf item ->
            obj
                [
                    "type", str "object"
                    "additionalProperties", anyOf [ valueSchema item; obj [ "type", str "null" ] ]
                ]
        | KeyType.SectionOf section -> obj [ "$ref", str $"#/$defs/%s{defName section}" ]
        | KeyType.ListOfSections(section, atLeast) ->
            obj
                [
                    "type", str "array"
                    "items", obj [ "$ref", str $"#/$defs/%s{defName section}" ]
                    "minItems", int atLeast
                ]
        | KeyType.StatusRanges ->
            let one () =
                anyOf
                    [
                        obj [ "type", str "integer"; "minimum", int 100; "maximum", int 999 ]
                        obj [ "type", str "string"; "pattern", str @"^\s*\d{3}\s*(-\s*\d{3}\s*)?$" ]
                        fromEnvironment ()
                    ]

            anyOf [ one (); obj [ "type", str "array"; "items", one (); "minItems", int 1 ] ]
        | KeyType.TokenValue ->
            let provider () =
                obj [ "$ref", str $"#/$defs/%s{defName ConfigSection.TokenProvider}" ]

            anyOf
                [
                    scalarText ()
                    provider ()
                    obj [ "type", str "array"; "items", provider (); "minItems", int 1 ]
                ]

    and defName (section: ConfigSection) =
        match section with
        | ConfigSection.Root -> "config"
        | ConfigSection.Cachet -> "cachet"
        | ConfigSection.TokenProvider -> "tokenProvider"
        | ConfigSection.Endpoint -> "endpoint"
        | ConfigSection.Expectation -> "expectation"
        | ConfigSection.Webhook -> "webhook"
        | ConfigSection.Messages -> "messages"
        | ConfigSection.Maintenance -> "maintenanceWindow"
        | ConfigSection.Connectivity -> "connectivity"
        | ConfigSection.MetricValue -> "metricValue"
