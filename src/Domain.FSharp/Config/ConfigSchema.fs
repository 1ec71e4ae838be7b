namespace CachetMonitor.Domain

open System
open System.Text.Json
open System.Text.Json.Nodes
open CachetMonitor.Domain.SchemaJson
open CachetMonitor.Domain.KeyTypeSchema

[<RequireQualifiedAccess>]
module ConfigSchema =
    [<Literal>]
    let Dialect = "https://json-schema.org/draft/2020-12/schema"

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
