/// `generate`'s config: what the original wrote, minus what `validate` would then refuse.
module CachetMonitor.Tests.Domain.ConfigGeneratorTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private components: GeneratedComponent list =
    [
        {
            Id = 3
            Name = "web"
            Link = "https://web.example/health"
        }
        { Id = 5; Name = "db"; Link = "" }
    ]

let private parse text = ConfigText.validConfig text

[<Tests>]
let tests =
    testList
        "generate"
        [
            test "a component without a link is written commented out with a note, and the config validates" {
                let text =
                    ConfigGenerator.render "https://status.example/api/v1" (Secret.create "t0ken") components

                Expect.equal ((parse text).Endpoints |> List.map _.Name) [ "web" ] "only the linked one runs"
                Expect.stringContains text "# Component 5 (\"db\") has no link in Cachet" "the note"
                Expect.isFalse (text.Contains "url: \"\"") "no empty url"

                // Uncommented and given a URL, the endpoint is a valid one.
                let uncommented =
                    text
                        .Replace("# - ", "- ")
                        .Replace("#   ", "  ")
                        .Replace(ConfigGenerator.MissingLink, "https://db.example/")

                Expect.equal ((parse uncommented).Endpoints |> List.map _.Name) [ "web"; "db" ] "both run"
            }

            test "an API URL without a scheme gets http://, as the config's api_url does" {
                let text =
                    ConfigGenerator.render "status.example/api/v1" (Secret.create "t0ken") components

                Expect.equal (parse text).Cachet.ApiUrl "http://status.example/api/v1" "http:// added"
            }
        ]
