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

    /// What a component without a link gets as its URL, in the commented-out endpoint.
    [<Literal>]
    let MissingLink = "https://FILL-IN-THE-URL-TO-CHECK"

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
                "url",
                quoted (
                    if System.String.IsNullOrWhiteSpace c.Link then
                        MissingLink
                    else
                        c.Link
                )
            ]

    let private yaml (root: YamlNode) =
        use writer = new StringWriter()
        YamlStream([ YamlDocument(root) ]).Save(writer, false)
        let text = writer.ToString()
        // YamlDotNet closes the document with "..."; a config file reads better without it.
        if text.EndsWith("...\n") then
            text.Substring(0, text.Length - 4)
        else
            text

    /// A component without a link, as a commented-out endpoint with a note (a `url: ""` would not validate).
    let private commentedOut (repeated: Set<string>) (c: GeneratedComponent) =
        let lines =
            (yaml (sequence [ endpoint repeated c ])).TrimEnd('\n').Split '\n'
            |> Array.map (fun line -> "# " + line)
            |> String.concat "\n"

        $"# Component %d{c.Id} (\"%s{c.Name}\") has no link in Cachet: set the url to check and uncomment it.\n%s{lines}\n"

    /// The YAML text of a config for these components (the caller passes only enabled ones). `apiUrl` gets
    /// `http://` when it has no scheme, as the config's `api_url` does.
    let render (apiUrl: string) (token: Secret) (components: GeneratedComponent list) : string =
        let repeated =
            components
            |> List.countBy _.Name
            |> List.filter (fun (_, count) -> count > 1)
            |> List.map fst
            |> Set.ofList

        let linked, unlinked =
            components
            |> List.partition (fun c -> not (System.String.IsNullOrWhiteSpace c.Link))

        let apiUrl = if apiUrl.Contains "://" then apiUrl else "http://" + apiUrl

        let root =
            mapping
                [
                    "cachet", mapping [ "api_url", quoted apiUrl; "token", quoted (Secret.reveal token) ]
                    "endpoints", sequence (linked |> List.map (endpoint repeated))
                ]

        // `endpoints` is the last key (keys are sorted), so the commented endpoints follow its items.
        yaml root + (unlinked |> List.map (commentedOut repeated) |> String.concat "")
