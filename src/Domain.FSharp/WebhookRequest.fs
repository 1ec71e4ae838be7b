namespace CachetMonitor.Domain

open System

type WebhookRequest =
    {
        Url: string
        Query: (string * string) list
        JsonBody: (string * string) list option
    }

[<RequireQualifiedAccess>]
module WebhookRequest =
    let private lookup (notice: WebhookNotice) (encode: string -> string) name =
        match name with
        | "title" -> Some(encode notice.Title)
        | "message" -> Some(encode (if notice.Message = "" then notice.Title else notice.Message))
        | _ -> None

    let render (webhook: Webhook) (notice: WebhookNotice) : WebhookRequest =
        let url = Template.render (lookup notice Uri.EscapeDataString) webhook.Url

        let parameters =
            webhook.Params
            |> List.map (fun (key, value) -> key, Template.render (lookup notice id) value)

        if webhook.Json then
            {
                Url = url
                Query = []
                JsonBody = Some parameters
            }
        else
            {
                Url = url
                Query = parameters
                JsonBody = None
            }

    let formEncode (text: string) =
        Uri.EscapeDataString(text).Replace("%20", "+")

    let buildUrl (request: WebhookRequest) : string =
        if List.isEmpty request.Query then
            request.Url
        else
            let query =
                request.Query
                |> List.map (fun (key, value) -> $"{formEncode key}={formEncode value}")
                |> String.concat "&"

            let hash = request.Url.IndexOf '#'

            let beforeFragment, fragment =
                if hash < 0 then
                    request.Url, ""
                else
                    request.Url.Substring(0, hash), request.Url.Substring hash

            let separator =
                if not (beforeFragment.Contains '?') then
                    "?"
                elif beforeFragment.EndsWith '?' || beforeFragment.EndsWith '&' then
                    ""
                else
                    "&"

            $"{beforeFragment}{separator}{query}{fragment}"
