module CachetMonitor.Tests.Domain.YamlReadingTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

// What the config's own YAML reader guarantees that YamlDotNet's node model gave before (the expected messages and
// positions are those the build with the node model reported for the same texts).

let private noEnvironment (_: string) : string option = None

let private read text =
    ConfigParser.read TestTimeZones.lookup noEnvironment noEnvironment text

let private errors text =
    match (read text).Parsed with
    | Ok _ -> failtest "expected the config to be rejected"
    | Error issues -> issues

let private shown (issue: ConfigIssue) =
    issue.Path, issue.Position.Line, issue.Position.Column, issue.Message

let private only text =
    match errors text with
    | [ one ] -> shown one
    | many -> failtest $"expected one error, got %d{many.Length}: %A{many |> List.map shown}"

let private cachet = "cachet: {api_url: http://127.0.0.1:1/api/v1, token: t}\n"

/// One valid endpoint (lines 2–8 of a config that starts with `endpoints:`), then `extra` lines of it.
let private endpoint (extra: string) =
    "endpoints:\n  - name: a\n    url: http://x.example/\n    method: GET\n    timeout: 1\n    frequency: 1\n"
    + "    component_id: 1\n    expectation: [{type: HTTP_STATUS, status_range: 200-300}]\n"
    + extra
    + cachet

/// The 1-based column of `needle` on line `line` of `text`.
let private columnOf (text: string) line (needle: string) =
    let lines = text.Split '\n'
    lines[line - 1].IndexOf needle + 1

let private duplicate line column key =
    ConfigParser.DocumentPath, line, column, $"invalid YAML: Duplicate key %s{key}"

[<Tests>]
let tests =
    testList
        "YAML reading"
        [
            test "a repeated key is YamlDotNet's error at the repeat, whether or not either is quoted" {
                Expect.equal (only "cachet: 1\ncachet: 2\n") (duplicate 2 1 "cachet") "plain"
                Expect.equal (only "\"cachet\": 1\ncachet: 2\n") (duplicate 2 1 "cachet") "quoted, then plain"
                Expect.equal (only (endpoint "    name: b\n")) (duplicate 9 5 "name") "in an endpoint"
            }

            test "a repeat is found in a large mapping too (looked up in a set past 16 keys)" {
                let headers =
                    [ 'A' .. 'R' ] |> List.mapi (fun i c -> $"%c{c}: %d{i}") |> String.concat ", "

                let text = endpoint $"    header: {{%s{headers}, C: 19}}\n"
                Expect.equal (only text) (duplicate 9 (columnOf text 9 ", C: 19" + 2) "C") "the second C"
            }

            test "keys with different tags are different keys, as YamlDotNet compared them" {
                let issues = errors "!!str a: 1\na: 2\n"

                Expect.equal
                    (issues |> List.map shown)
                    [ "cachet", 1, 1, "is required"; "endpoints", 1, 1, "is required" ]
                    "no duplicate key"
            }

            test "two merge keys in one mapping repeat a key; a key both merged and written is not a repeat" {
                Expect.equal (only "x: &x {a: 1}\ny: {<<: *x, a: 2, <<: *x}\n") (duplicate 2 19 "<<") "two <<"

                let text =
                    "base: &base\n  method: GET\n  timeout: 1\nendpoints:\n  - <<: *base\n    name: a\n"
                    + "    url: http://x.example/\n    frequency: 1\n    component_id: 1\n    method: POST\n"
                    + "    expectation: [{type: HTTP_STATUS, status_range: 200-300}]\n"
                    + cachet

                match (read text).Parsed with
                | Ok parsed ->
                    let ep = parsed.Config.Endpoints.Head
                    Expect.equal ep.Method "POST" "the written key wins"
                    Expect.equal ep.TimeoutSeconds 1.0 "the merged key is read"
                | Error issues -> failtest $"%A{issues |> List.map shown}"
            }

            test "a syntax error just after a repeated key's value wins, as it did (the repeat was checked later)" {
                let _, line, _, message = only "a: 1\na: 2\n- x\n"
                Expect.equal line 3 "at the syntax error"
                Expect.stringContains message "did not find expected key" "the parser's message"
            }

            test "a node reached through an alias is the anchored node: its issues are at the anchor's position" {
                let text =
                    "endpoints:\n  - name: a\n    url: http://x.example/\n    method: GET\n    timeout: 1\n"
                    + "    frequency: 1\n    component_id: 1\n"
                    + "    expectation: &ex [{type: HTTP_STATUS, status_range: bogus}]\n"
                    + "  - name: b\n    url: http://y.example/\n    method: GET\n    timeout: 1\n"
                    + "    frequency: 1\n    component_id: 2\n    expectation: *ex\n"
                    + cachet

                let column = columnOf text 8 "bogus"

                Expect.equal
                    (errors text |> List.map shown)
                    [
                        "endpoints[0].expectation[0].status_range", 8, column, "\"bogus\" is not a status or range"
                        "endpoints[1].expectation[0].status_range", 8, column, "\"bogus\" is not a status or range"
                    ]
                    "one node, two paths"
            }

            test "an aliased mapping is read at each use, its warnings at the anchor" {
                let text =
                    "endpoints:\n  - &e {name: a, url: \"http://x.example/\", method: GET, timeout: 1, frequency: 1,"
                    + " component_id: 1, expectation: [{type: HTTP_STATUS, status_range: 200-300}], bogus_key: 1}\n"
                    + "  - *e\n"
                    + cachet

                let column = columnOf text 2 "bogus_key"

                Expect.equal
                    ((read text).Warnings |> List.map shown)
                    [
                        "endpoints[0].bogus_key", 2, column, "unknown key \"bogus_key\" (ignored)"
                        "endpoints[1].bogus_key", 2, column, "unknown key \"bogus_key\" (ignored)"
                    ]
                    "both uses"
            }

            test "nested nodes keep their own positions (block list of flow mappings inside a mapping)" {
                let text = endpoint "    header:\n      X-One: ok\n      X-Two: [nested]\n"

                Expect.equal
                    (only text)
                    ("endpoints[0].header.X-Two", 11, 14, "must be a single value, not a list")
                    "the list's own start"

                let flow =
                    "endpoints:\n  - {name: a, url: \"http://x.example/\", method: GET, timeout: 1, frequency: 1,\n"
                    + "     component_id: 1, expectation: [{type: HTTP_STATUS,\n       status_range: nope}]}\n"
                    + cachet

                Expect.equal
                    (only flow)
                    ("endpoints[0].expectation[0].status_range", 4, 22, "\"nope\" is not a status or range")
                    "a flow scalar three levels down"
            }
        ]
