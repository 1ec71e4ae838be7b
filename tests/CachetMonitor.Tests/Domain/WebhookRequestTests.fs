module CachetMonitor.Tests.Domain.WebhookRequestTests

open Expecto
open CachetMonitor.Domain

let private template text =
    match Template.parse text with
    | Ok parsed -> parsed
    | Error message -> failwith message

let private webhook url parameters json =
    {
        Url = template url
        Params = parameters |> List.map (fun (key, value) -> key, template value)
        Json = json
    }

let private notice event title message =
    {
        Event = event
        Title = title
        Message = message
    }

let private down = notice Opened "api is unavailable" "Unexpected HTTP status (503)"

let private urlOf hook notice =
    WebhookRequest.render hook notice |> WebhookRequest.buildUrl

[<Tests>]
let tests =
    testList
        "WebhookRequest"
        [
            test "the original's example: title percent-encoded in the path, form-encoded in the query" {
                let hook = webhook "https://hook.example/{title}" [ "t", "{title}" ] false

                Expect.equal (urlOf hook down) "https://hook.example/api%20is%20unavailable?t=api+is+unavailable" "url"
            }

            test "parameter values are rendered raw; the host encodes them" {
                let hook =
                    webhook "https://hook.example/" [ "t", "{title}"; "m", "[{message}]" ] false

                let request = WebhookRequest.render hook down

                Expect.equal
                    request
                    {
                        Url = "https://hook.example/"
                        Query = [ "t", "api is unavailable"; "m", "[Unexpected HTTP status (503)]" ]
                        JsonBody = None
                    }
                    "request"
            }

            test "a ? or # in a title cannot corrupt the URL" {
                let hook = webhook "https://hook.example/alert/{title}" [ "t", "{title}" ] false
                let odd = notice Opened "down? #1 & more" "m"

                Expect.equal
                    (urlOf hook odd)
                    "https://hook.example/alert/down%3F%20%231%20%26%20more?t=down%3F+%231+%26+more"
                    "url"
            }

            test "an existing query is kept and the parameters follow it" {
                let hook = webhook "https://hook.example/x?key=abc" [ "t", "{title}" ] false
                Expect.equal (urlOf hook down) "https://hook.example/x?key=abc&t=api+is+unavailable" "url"
            }

            test "parameters go before a fragment" {
                let hook = webhook "https://hook.example/x?key=abc#top" [ "m", "{message}" ] false

                Expect.equal
                    (urlOf hook down)
                    "https://hook.example/x?key=abc&m=Unexpected+HTTP+status+%28503%29#top"
                    "url"
            }

            test "without parameters the URL is left as rendered" {
                let hook = webhook "https://hook.example/{message}?a=1" [] false
                Expect.equal (urlOf hook down) "https://hook.example/Unexpected%20HTTP%20status%20%28503%29?a=1" "url"
            }

            test "an empty message is replaced by the title, as on recovery" {
                let hook = webhook "https://hook.example/" [ "m", "{message}" ] false
                let request = WebhookRequest.render hook (notice Resolved "api is operational" "")
                Expect.equal request.Query [ "m", "api is operational" ] "query"
            }

            test "in JSON mode the parameters form the body and the query stays empty" {
                let hook =
                    webhook "https://hook.example/{title}" [ "text", "{title}: {message}" ] true

                let request = WebhookRequest.render hook down

                Expect.equal
                    request
                    {
                        Url = "https://hook.example/api%20is%20unavailable"
                        Query = []
                        JsonBody = Some [ "text", "api is unavailable: Unexpected HTTP status (503)" ]
                    }
                    "request"

                Expect.equal (WebhookRequest.buildUrl request) request.Url "no query added"
            }

            test "form encoding keeps unreserved characters and writes spaces as +" {
                Expect.equal (WebhookRequest.formEncode "a-b_c.d~e f/g=h") "a-b_c.d~e+f%2Fg%3Dh" "encoded"
                Expect.equal (WebhookRequest.formEncode "é") "%C3%A9" "utf-8"
            }
        ]
