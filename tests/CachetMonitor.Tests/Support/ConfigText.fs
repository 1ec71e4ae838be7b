/// Config text for the parser's tests: one endpoint as a user writes it, and a config text read or the test failed.
module CachetMonitor.Tests.Support.ConfigText

open Expecto
open CachetMonitor.Domain

/// The lines of one `endpoints` item (name `api`, timeout 2, frequency 30, component 1, a 200-300 expectation),
/// followed by `extra` lines of the same item.
let endpoint (extra: string list) =
    [
        "  - name: api"
        "    url: https://example.com/health"
        "    method: GET"
        "    timeout: 2"
        "    frequency: 30"
        "    component_id: 1"
        "    expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
        yield! extra |> List.map (fun line -> "    " + line)
    ]

/// The config `text` reads as (test time zones, no environment); fails the test with every issue when it is invalid.
let validConfig (text: string) : Config =
    match ConfigParser.parse TestTimeZones.lookup (fun _ -> None) text with
    | Ok parsed -> parsed.Config
    | Error errors -> failtest (errors |> List.map ConfigIssue.render |> String.concat "\n")
