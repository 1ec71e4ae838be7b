namespace CachetMonitor.Domain

open System
open System.Text.Json
open System.Text.Json.Nodes

[<RequireQualifiedAccess>]
module ConfigSchema =
    [<Literal>]
    let Dialect = "https://json-schema.org/draft/2020-12/schema"

    let private obj (pairs: (string * JsonNode) list) : JsonNode =
        let o = JsonObject()

        for name, value in pairs do
            o[name] <- value

        o

    // JsonValue.Create of a string is null only for a null string.
    let private str (text: string) : JsonNode = nonNull (JsonValue.Create text)
    let private num (value: float) : JsonNode = JsonValue.Create value
    let private int (value: int) : JsonNode = JsonValue.Create value

    let private arr (items: JsonNode list) : JsonNode =
        let a = JsonArray()

        for item in items do
            a.Add item

        a

    let private anyOf (schemas: JsonNode list) = obj [ "anyOf", arr schemas ]

    /// A string that may be an environment variable: its value is checked once substituted.
    let private fromEnvironment () =
        obj [ "type", str "string"; "pattern", str @"\$" ]

    let private numberText = @"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
    let private wholeText = @"^\s*[-+]?\d+\s*$"

    /// A pattern matching `name` in any case (ECMA-262 patterns have no inline flags).
    let private anyCase (name: string) =
        name
        |> Seq.map (fun c ->
            if Char.IsLetter c then
                $"[%c{Char.ToUpperInvariant c}%c{Char.ToLowerInvariant c}]"
            else
                Text.RegularExpressions.Regex.Escape(string c))
        |> String.concat ""

    let private choicePattern (names: string list) caseless =
        let alternatives =
            names
            |> List.map (fun n ->
                if caseless then
                    anyCase n
                else
                    Text.RegularExpressions.Regex.Escape n)

        let joined = String.Join("|", alternatives)
        $"^\\s*(%s{joined})\\s*$"

    let private scalarText () =
        obj [ "type", arr [ str "string"; str "number"; str "boolean" ] ]

    let rec private valueSchema (keyType: KeyType) : JsonNode =
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

    and private defName (section: ConfigSection) =
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

    /// A YAML default as JSON (`[]`, `{}`, numbers, booleans, quoted or plain text).
    let private defaultValue (text: string) : JsonNode =
        match text with
        | "[]" -> arr []
        | "{}" -> obj []
        | "true" -> JsonValue.Create true
        | "false" -> JsonValue.Create false
        | quoted when quoted.StartsWith "\"" -> str (quoted.Trim '"')
        | plain ->
            match Double.TryParse(plain, Globalization.CultureInfo.InvariantCulture) with
            | true, number -> num number
            | _ -> str plain

    let private property (key: ConfigKey) : JsonNode =
        let schema = valueSchema key.Type
        schema["description"] <- str key.Doc
        key.Default |> Option.iter (fun d -> schema["default"] <- defaultValue d)

        if key.Required then
            schema
        else
            // An optional key set to null counts as absent.
            obj
                [
                    "anyOf", arr [ schema; obj [ "type", str "null" ] ]
                    "description", str key.Doc
                ]

    let private sectionSchema (section: ConfigSection) : JsonNode =
        let keys = ConfigKeyTable.inSection section
        let properties = obj (keys |> List.map (fun k -> k.Name, property k))

        let always =
            keys
            |> List.filter (fun k -> k.Required && k.AppliesTo.IsEmpty)
            |> List.map (fun k -> str k.Name)

        // Keys required by some `type`s only: required when the type is one of them.
        let byType =
            keys
            |> List.filter (fun k -> k.Required && not k.AppliesTo.IsEmpty)
            |> List.collect (fun k -> k.AppliesTo |> List.map (fun t -> t, k.Name))
            |> List.groupBy fst
            |> List.map (fun (typeName, names) ->
                obj
                    [
                        "if",
                        obj
                            [
                                "properties", obj [ "type", obj [ "const", str typeName ] ]
                                "required", arr [ str "type" ]
                            ]
                        "then", obj [ "required", arr (names |> List.map (snd >> str)) ]
                    ])

        // An endpoint's `method` and `expectation` are required for http(s) URLs only (not tcp://, tls://, dns://).
        let byScheme =
            if section = ConfigSection.Endpoint then
                let other = $"""^\s*(%s{anyCase "tcp"}|%s{anyCase "tls"}|%s{anyCase "dns"})://"""

                [
                    obj
                        [
                            "if",
                            obj
                                [
                                    "properties", obj [ "url", obj [ "type", str "string"; "pattern", str other ] ]
                                    "required", arr [ str "url" ]
                                ]
                            "else", obj [ "required", arr [ str "method"; str "expectation" ] ]
                        ]
                ]
            else
                []

        // A `metric_value` reads its number one way: `json` or `regex`, not both.
        let exactlyOne =
            if section = ConfigSection.MetricValue then
                [
                    obj
                        [
                            "oneOf",
                            arr
                                [
                                    obj [ "required", arr [ str "json" ] ]
                                    obj [ "required", arr [ str "regex" ] ]
                                ]
                        ]
                ]
            else
                []

        let conditions = byType @ byScheme @ exactlyOne

        obj (
            [ "type", str "object"; "properties", properties; "required", arr always ]
            @ (if conditions.IsEmpty then
                   []
               else
                   [ "allOf", arr conditions ])
        )

    let private sections =
        [
            ConfigSection.Cachet
            ConfigSection.TokenProvider
            ConfigSection.Endpoint
            ConfigSection.Expectation
            ConfigSection.Webhook
            ConfigSection.Messages
            ConfigSection.Maintenance
            ConfigSection.Connectivity
            ConfigSection.MetricValue
        ]

    let document () : JsonNode =
        let root = sectionSchema ConfigSection.Root
        root["$schema"] <- str Dialect
        root["title"] <- str "cachet-monitor config.yml"

        root["description"] <-
            str
                "The configuration of cachet-monitor (and of the original cachet-url-monitor). Generated from the key table; docs/configuration.md describes every key."

        root["$defs"] <- obj (sections |> List.map (fun s -> defName s, sectionSchema s))
        root

    let text () =
        let options =
            JsonSerializerOptions(
                WriteIndented = true,
                // The file is read by people too: keep `≤`, `<`, `'` as they are.
                Encoder = Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
            )

        (document ()).ToJsonString options + "\n"
