/// Config text for the parser's tests: one endpoint as a user writes it.
module CachetMonitor.Tests.Support.ConfigText

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
