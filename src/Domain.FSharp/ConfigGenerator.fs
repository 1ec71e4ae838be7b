namespace CachetMonitor.Domain

open System.IO
open YamlDotNet.RepresentationModel

/// A Cachet component as the config generator needs it.
type GeneratedComponent = { Id: int; Name: string; Link: string }

/// Writes the original's generated config: one endpoint per enabled component, keys sorted.
[<RequireQualifiedAccess>]
module ConfigGenerator =
    let private scalar (text: string) = YamlScalarNode text :> YamlNode

    let private quoted (text: string) =
        YamlScalarNode(text, Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted) :> YamlNode

    let private mapping (pairs: (string * YamlNode) list) =
        let node = YamlMappingNode()

        for key, value in pairs |> List.sortBy fst do
            node.Add(scalar key, value)

        node :> YamlNode

    let private sequence (items: YamlNode list) = YamlSequenceNode(items) :> YamlNode

    let private endpoint (repeated: Set<string>) (c: GeneratedComponent) =
        // Endpoint names must be unique; components sharing a name are told apart by their id.
        let name =
            if repeated.Contains c.Name then
                $"%s{c.Name} (component %d{c.Id})"
            else
                c.Name

        mapping
            [
                "action", sequence [ scalar "CREATE_INCIDENT"; scalar "UPDATE_STATUS" ]
                "allowed_fails", scalar "0"
                "component_id", scalar (string c.Id)
                "expectation",
                sequence
                    [
                        mapping
                            [
                                "incident", scalar "MAJOR"
                                "status_range", quoted "200-300"
                                "type", scalar "HTTP_STATUS"
                            ]
                    ]
                "frequency", scalar "30"
                "method", scalar "GET"
                "name", quoted name
                "public_incidents", scalar "true"
                "timeout", scalar "1"
                "url", quoted c.Link
            ]

    /// The YAML text of a config for these components (the caller passes only enabled ones).
    let render (apiUrl: string) (token: Secret) (components: GeneratedComponent list) : string =
        let repeated =
            components
            |> List.countBy _.Name
            |> List.filter (fun (_, count) -> count > 1)
            |> List.map fst
            |> Set.ofList

        let root =
            mapping
                [
                    "cachet", mapping [ "api_url", quoted apiUrl; "token", quoted (Secret.reveal token) ]
                    "endpoints", sequence (components |> List.map (endpoint repeated))
                ]

        use writer = new StringWriter()
        YamlStream([ YamlDocument(root) ]).Save(writer, false)
        let text = writer.ToString()
        // YamlDotNet closes the document with "..."; a config file reads better without it.
        if text.EndsWith("...\n") then
            text.Substring(0, text.Length - 4)
        else
            text
