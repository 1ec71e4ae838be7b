namespace CachetMonitor.Domain.ConfigReading

open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The `webhooks` items.
[<AutoOpen>]
module internal WebhookReader =
    let webhookPlaceholders = Some [ "title"; "message" ]

    let webhookUrl lookup path node =
        template lookup webhookPlaceholders path node
        |> Result.bind (fun parsed ->
            let sample = Template.render (fun _ -> Some "x") parsed

            match tryUri sample with
            | Some uri when isHttp uri -> Ok parsed
            | _ -> fail path node "must be an http:// or https:// URL")

    let webhookParams lookup path node =
        node
        |> mapping
            None
            "of parameter names to values"
            (fun found ->
                found.Entries
                |> Array.filter (fun entry -> not (isAbsent entry.Value))
                |> List.ofArray
                |> List.traverseValidationA (fun entry ->
                    template lookup webhookPlaceholders (child path entry.Name) entry.Value
                    |> Result.map (fun parsed -> entry.Name, parsed)))
            path

    let webhook lookup path node =
        node
        |> mapping
            (Some ConfigSection.Webhook)
            "with a url"
            (fun w ->
                validation {
                    let! url = required w "url" (webhookUrl lookup)
                    and! parameters = value w "params" (webhookParams lookup)
                    and! json = value w "json" (readWith lookup boolean)

                    return
                        {
                            Url = url
                            Params = parameters
                            Json = json
                        }
                })
            path
