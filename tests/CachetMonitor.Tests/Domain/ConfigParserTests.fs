module CachetMonitor.Tests.Domain.ConfigParserTests

open System
open System.IO
open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private noEnvironment (_: string) : string option = None

let private environment pairs =
    let map = Map.ofList pairs
    fun name -> Map.tryFind name map

let private render issues =
    issues |> List.map ConfigIssue.render |> String.concat "\n"

let private parseWith lookup text =
    match ConfigParser.parse TestTimeZones.lookup lookup text with
    | Ok parsed -> parsed
    | Error issues -> failtest $"expected a valid config, got:\n%s{render issues}"

let private parseOk text = parseWith noEnvironment text

let private errorsWith lookup text =
    match ConfigParser.parse TestTimeZones.lookup lookup text with
    | Ok _ -> failtest "expected the config to be rejected"
    | Error issues -> issues

let private errors text = errorsWith noEnvironment text

let private singleError text =
    match errors text with
    | [ one ] -> one
    | many -> failtest $"expected one error, got:\n%s{render many}"

let private at line column = { Line = line; Column = column }

/// The 1-based position of the first occurrence of `needle` in `text`.
let private positionOf (text: string) (needle: string) =
    let lines = text.Split '\n'

    match lines |> Array.tryFindIndex (fun line -> line.Contains needle) with
    | Some i -> at (i + 1) (lines[i].IndexOf needle + 1)
    | None -> failtest $"%s{needle} is not in the config"

let private expectIssue (issue: ConfigIssue) path position (fragment: string) =
    Expect.equal issue.Path path $"path of: %s{ConfigIssue.render issue}"
    Expect.equal issue.Position position $"position of: %s{ConfigIssue.render issue}"
    Expect.stringContains issue.Message fragment "message"

/// The keys of a valid endpoint, one line each.
let private baseKeys =
    [
        "name", "api"
        "url", "example.com/health"
        "method", "get"
        "timeout", "2"
        "component_id", "7"
        "frequency", "30"
        "expectation", "[{type: HTTP_STATUS, status_range: 200-300}]"
    ]

/// A config with one endpoint whose keys are `baseKeys` changed by `changes` (None drops a key; new keys go last).
let private withKeys (changes: (string * string option) list) =
    let changed key =
        changes |> List.tryFind (fst >> (=) key) |> Option.map snd

    let keys =
        [
            for key, value in baseKeys do
                match changed key with
                | Some None -> ()
                | Some(Some replaced) -> yield key, replaced
                | None -> yield key, value
            for key, value in changes do
                match value with
                | Some added when not (List.exists (fst >> (=) key) baseKeys) -> yield key, added
                | _ -> ()
        ]

    let lines =
        keys
        |> List.mapi (fun i (key, value) -> (if i = 0 then "  - " else "    ") + $"%s{key}: %s{value}")

    String.concat
        "\n"
        ([ "endpoints:" ]
         @ lines
         @ [
             "cachet:"
             "  api_url: https://status.example/api/v1/"
             "  token: secret-token"
             ""
         ])

let private set key value = withKeys [ key, Some value ]

let private endpointOf text =
    (parseOk text).Config.Endpoints |> List.exactlyOne

/// The one error of a config where `key` is set to `value`, expected at the value.
let private rejects key value fragment =
    let text = set key value

    expectIssue
        (singleError text)
        $"endpoints[0].%s{key}"
        (positionOf text $"%s{key}: %s{value}"
         |> fun p ->
             { p with
                 Column = p.Column + key.Length + 2
             })
        fragment

let private range low high =
    match StatusRange.create low high with
    | Ok r -> r
    | Error e -> failtest e

let private template source =
    match Template.parse source with
    | Ok t -> t
    | Error e -> failtest e

let private readme =
    lazy (File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "original-readme-config.yml")))

let private readmeTests =
    testList
        "the original README example"
        [
            test "parses with no errors, three endpoints and one warning for REGEX's threshold" {
                let parsed = parseOk readme.Value

                Expect.equal
                    (parsed.Config.Endpoints |> List.map _.Name)
                    [ "Google"; "Amazon"; "Insecure-site" ]
                    "endpoints"

                match parsed.Warnings with
                | [ warning ] ->
                    expectIssue
                        warning
                        "endpoints[1].expectation[2].threshold"
                        (at 38 9)
                        "does not apply to a REGEX expectation"
                | many -> failtest $"expected one warning, got:\n%s{render many}"
            }

            test "the first endpoint has every value as written" {
                let google = (parseOk readme.Value).Config.Endpoints.Head
                Expect.equal google.Url "http://www.google.com" "url"
                Expect.equal google.RawUrl "http://www.google.com" "raw url"
                Expect.equal google.Method "GET" "method"
                Expect.equal google.Headers [ "SOME-HEADER", "SOME-VALUE" ] "headers"
                Expect.equal google.TimeoutSeconds 1.0 "timeout"
                Expect.equal google.AllowedFails 0 "allowed_fails"
                Expect.equal google.ComponentId 1 "component_id"
                Expect.equal google.MetricId (Some 1) "metric_id"
                Expect.equal google.Actions (Set.ofList [ UpdateStatus ]) "actions"
                Expect.isTrue google.PublicIncidents "public_incidents"
                Expect.equal google.LatencyUnit Milliseconds "latency_unit ms"
                Expect.equal google.FrequencySeconds 5.0 "frequency"
                Expect.isFalse google.Insecure "insecure"

                match google.Expectations with
                | [ status; latency; regex ] ->
                    Expect.equal status.Kind (HttpStatus [ range 200 205 ]) "status_range 200-205 is [200, 205)"
                    Expect.equal status.Severity Partial "HTTP_STATUS defaults to PARTIAL"
                    Expect.equal latency.Kind (Latency 1.0) "latency threshold"
                    Expect.equal latency.Severity Performance "LATENCY defaults to PERFORMANCE"

                    match regex.Kind with
                    | BodyRegex pattern -> Expect.equal (RegexPattern.source pattern) ".*<body>.*" "regex"
                    | other -> failtest $"expected a regex, got %A{other}"

                    Expect.equal regex.Severity Partial "REGEX defaults to PARTIAL"
                | other -> failtest $"expected three expectations, got %A{other}"
            }

            test "the half-open range holds 200 to 204 but not 205" {
                match (parseOk readme.Value).Config.Endpoints.Head.Expectations.Head.Kind with
                | HttpStatus [ r ] ->
                    Expect.isTrue (StatusRange.contains 204 r) "204 passes"
                    Expect.isFalse (StatusRange.contains 205 r) "205 fails"
                | other -> failtest $"%A{other}"
            }

            test "the other endpoints keep their own values" {
                match (parseOk readme.Value).Config.Endpoints with
                | [ _; amazon; insecure ] ->
                    Expect.equal amazon.Expectations.Head.Severity Major "incident: MAJOR"
                    Expect.equal amazon.Actions (Set.ofList [ CreateIncident ]) "actions"
                    Expect.equal amazon.MetricId None "no metric_id"
                    Expect.isTrue insecure.Insecure "insecure"
                    Expect.equal insecure.LatencyUnit Seconds "latency_unit defaults to seconds"
                    Expect.equal insecure.Url "https://www.Insecure-site-internal.com" "url kept"
                | other -> failtest $"%A{other}"
            }

            test "the token providers keep their order" {
                let cachet = (parseOk readme.Value).Config.Cachet
                Expect.equal cachet.ApiUrl "http://status.cachethq.io/api/v1" "api_url"

                Expect.equal
                    cachet.Token
                    (Providers
                        [
                            EnvironmentVariable "CACHET_TOKEN"
                            AwsSecretsManager("cachethq", "token", "us-west-2")
                            LiteralToken(Secret.create "my_token")
                        ])
                    "providers"
            }

            test "webhook params are templates, the number stringified" {
                match (parseOk readme.Value).Config.Webhooks with
                | [ hook ] ->
                    Expect.equal (Template.source hook.Url) "https://push.example.com/message?token=<apptoken>" "url"

                    Expect.equal
                        (hook.Params |> List.map (fun (name, t) -> name, Template.source t))
                        [ "title", "{title}"; "message", "{message}"; "priority", "5" ]
                        "params"

                    Expect.isFalse hook.Json "json defaults to false"
                | other -> failtest $"%A{other}"
            }

            test "the titles are rendered for each endpoint" {
                let amazon = (parseOk readme.Value).Config.Endpoints[1]

                Expect.equal
                    amazon.Titles
                    {
                        Outage = "Amazon is unavailable"
                        Performance = "Amazon has degraded performance"
                        Operational = "Amazon is operational"
                    }
                    "titles"

                Expect.equal (amazon.TemplateValues.TryFind "component_id") (Some "2") "scalar keys as written"
                Expect.isFalse (amazon.TemplateValues.ContainsKey "expectation") "lists are not template values"
            }
        ]

let private defaultTests =
    testList
        "defaults"
        [
            test "a minimal endpoint gets every default" {
                let parsed = parseOk (withKeys [])
                Expect.isEmpty parsed.Warnings "no warnings"
                let ep = parsed.Config.Endpoints.Head
                Expect.equal ep.RawUrl "example.com/health" "raw url as written"
                Expect.equal ep.Url "http://example.com/health" "http:// added"
                Expect.equal ep.Method "get" "method as written"
                Expect.equal ep.Headers [] "no headers"
                Expect.equal ep.Body None "no body"
                Expect.isFalse ep.Insecure "insecure"
                Expect.equal ep.AllowedFails 0 "allowed_fails"
                Expect.equal ep.SuccessThreshold 1 "success_threshold"
                Expect.equal ep.MetricId None "metric_id"
                Expect.equal ep.LatencyUnit Seconds "latency_unit"
                Expect.equal ep.Actions Set.empty "action"
                Expect.isTrue ep.PublicIncidents "public_incidents"
                Expect.equal ep.OnTimeout Performance "on_timeout"
                Expect.equal ep.OnUnreachable Partial "on_unreachable"
                Expect.equal ep.Titles.Outage "api is unavailable" "outage title"
                Expect.equal ep.Titles.Performance "api has degraded performance" "performance title"
                Expect.equal ep.Titles.Operational "api is operational" "operational title"
                Expect.equal parsed.Config.Webhooks [] "no webhooks"
                Expect.equal parsed.Config.Cachet.ApiUrl "https://status.example/api/v1" "trailing / dropped"
                Expect.equal parsed.Config.Cachet.Token (PlainToken(Secret.create "secret-token")) "plain token"
                Expect.equal (Template.source parsed.Config.Messages.IncidentOutage) "{name} is unavailable" "outage"
            }

            test "null counts as absent for optional keys" {
                let ep =
                    endpointOf (
                        withKeys
                            [
                                "allowed_fails", Some "null"
                                "header", Some "~"
                                "action", Some ""
                                "metric_id", Some "null"
                                "latency_unit", Some "null"
                                "public_incidents", Some "null"
                            ]
                    )

                Expect.equal ep.AllowedFails 0 "allowed_fails"
                Expect.equal ep.Headers [] "header"
                Expect.equal ep.Actions Set.empty "action"
                Expect.equal ep.MetricId None "metric_id"
                Expect.equal ep.LatencyUnit Seconds "latency_unit"
                Expect.isTrue ep.PublicIncidents "public_incidents"
            }

            test "null webhooks and messages are absent" {
                let parsed = parseOk (withKeys [] + "webhooks:\nmessages: ~\n")
                Expect.equal parsed.Config.Webhooks [] "webhooks"
                Expect.equal parsed.Config.Endpoints.Head.Titles.Outage "api is unavailable" "messages"
            }
        ]

let private valueTests =
    testList
        "endpoint values"
        [
            test "the new keys are read" {
                let ep =
                    endpointOf (
                        withKeys
                            [
                                "success_threshold", Some "3"
                                "body", Some "'{\"ping\": 1}'"
                                "on_timeout", Some "major"
                                "on_unreachable", Some "PERFORMANCE"
                                "public_incidents", Some "false"
                                "insecure", Some "yes"
                                "allowed_fails", Some "2"
                                "latency_unit", Some "minutes"
                                "metric_id", Some "9"
                                "action", Some "[PUSH_METRICS, UPDATE_STATUS, UPDATE_STATUS]"
                            ]
                    )

                Expect.equal ep.SuccessThreshold 3 "success_threshold"
                Expect.equal ep.Body (Some "{\"ping\": 1}") "body"
                Expect.equal ep.OnTimeout Major "on_timeout, any case"
                Expect.equal ep.OnUnreachable Performance "on_unreachable"
                Expect.isFalse ep.PublicIncidents "public_incidents"
                Expect.isTrue ep.Insecure "insecure: yes"
                Expect.equal ep.AllowedFails 2 "allowed_fails"
                Expect.equal ep.LatencyUnit Minutes "latency_unit"
                Expect.equal ep.MetricId (Some 9) "metric_id"
                Expect.equal ep.Actions (Set.ofList [ PushMetrics; UpdateStatus ]) "actions"
            }

            test "allowed_fails and success_threshold may be as large as the documented maximum" {
                let ep =
                    endpointOf (withKeys [ "allowed_fails", Some "1000000"; "success_threshold", Some "1000000" ])

                Expect.equal ep.AllowedFails ConfigParser.MaxCheckCount "allowed_fails"
                Expect.equal ep.SuccessThreshold ConfigParser.MaxCheckCount "success_threshold"
                Expect.equal ConfigParser.MaxCheckCount 1_000_000 "the maximum docs/configuration.md states"
            }

            test "header values that are not strings are stringified" {
                let ep = endpointOf (set "header" "{X-Count: 5, X-On: true, Accept: text/html}")

                Expect.equal ep.Headers [ "X-Count", "5"; "X-On", "true"; "Accept", "text/html" ] "headers in order"
            }

            test "an https URL and one with a port keep their scheme" {
                Expect.equal (endpointOf (set "url" "https://x.example:8443/a")).Url "https://x.example:8443/a" "https"

                Expect.equal
                    (endpointOf (set "url" "localhost:8080/health")).Url
                    "http://localhost:8080/health"
                    "no scheme"
            }

            test "status_range takes a number, a range with spaces, or a list of them" {
                let kind value =
                    (endpointOf (set "expectation" $"[{{type: HTTP_STATUS, status_range: %s{value}}}]"))
                        .Expectations.Head.Kind

                Expect.equal (kind "200") (HttpStatus [ range 200 201 ]) "a number is one code"
                Expect.equal (kind "'404'") (HttpStatus [ range 404 405 ]) "a string without - is one code"
                Expect.equal (kind "'200 - 299'") (HttpStatus [ range 200 299 ]) "spaces tolerated"
                Expect.equal (kind "[200-299, 304]") (HttpStatus [ range 200 299; range 304 305 ]) "list form"
            }

            test "incident is case-insensitive" {
                let ep =
                    endpointOf (set "expectation" "[{type: LATENCY, threshold: 0.5, incident: major}]")

                Expect.equal ep.Expectations.Head { Kind = Latency 0.5; Severity = Major } "latency, major"
            }

            test "a lone token provider mapping is a one-item list" {
                let text =
                    (withKeys []).Replace("  token: secret-token", "  token:\n    type: TOKEN\n    value: abc")

                Expect.equal
                    (parseOk text).Config.Cachet.Token
                    (Providers [ LiteralToken(Secret.create "abc") ])
                    "one provider"
            }

            test "an api_url without a scheme gets http://" {
                let text =
                    (withKeys []).Replace("https://status.example/api/v1/", "status.example/api/v1")

                Expect.equal (parseOk text).Config.Cachet.ApiUrl "http://status.example/api/v1" "api_url"
            }

            test "custom messages render with any scalar key of the endpoint" {
                let text =
                    withKeys [ "team", Some "ops" ]
                    + "messages:\n  incident_outage: \"{name} ({method} {component_id}) down, call {team}\"\n"

                let parsed = parseOk text
                Expect.equal parsed.Config.Endpoints.Head.Titles.Outage "api (get 7) down, call ops" "title"
                Expect.isEmpty parsed.Warnings "a key used as a placeholder is not unknown"
            }

            test "webhooks read json and params" {
                let text =
                    withKeys []
                    + "webhooks:\n  - url: https://hook.example/{title}\n    json: true\n    params:\n      m: \"{message}\"\n      n: 5\n      gone: null\n"

                match (parseOk text).Config.Webhooks with
                | [ hook ] ->
                    Expect.isTrue hook.Json "json"
                    Expect.equal hook.Params [ "m", template "{message}"; "n", template "5" ] "null params dropped"
                | other -> failtest $"%A{other}"
            }

            test "merge keys share settings between endpoints" {
                let text =
                    "defaults: &defaults\n  method: GET\n  timeout: 3\n  frequency: 60\n  expectation: [{type: HTTP_STATUS, status_range: 200}]\n"
                    + "endpoints:\n  - <<: *defaults\n    name: a\n    url: a.example\n    component_id: 1\n"
                    + "  - <<: *defaults\n    name: b\n    url: b.example\n    component_id: 2\n    timeout: 9\n"
                    + "cachet: {api_url: https://s.example/api/v1, token: t}\n"

                let parsed = parseOk text
                Expect.equal (parsed.Config.Endpoints |> List.map _.TimeoutSeconds) [ 3.0; 9.0 ] "explicit keys win"
                Expect.equal (parsed.Config.Endpoints |> List.map _.Method) [ "GET"; "GET" ] "merged"

                Expect.equal (parsed.Warnings |> List.map _.Path) [ "defaults" ] "only the unknown top-level key warns"
            }
        ]

let private ruleTests =
    testList
        "rules"
        [
            test "an empty file lacks endpoints and cachet" {
                match errors "" with
                | [ cachet; endpoints ] ->
                    expectIssue cachet "cachet" (at 1 1) "is required"
                    expectIssue endpoints "endpoints" (at 1 1) "is required"
                | many -> failtest (render many)
            }

            test "a config without cachet is rejected at the root mapping" {
                let text = (withKeys []).Split("cachet:")[0]
                expectIssue (singleError text) "cachet" (at 1 1) "is required"
            }

            test "an empty endpoints list is rejected" {
                let text = "endpoints: []\ncachet: {api_url: https://s.example/api/v1, token: t}\n"
                expectIssue (singleError text) "endpoints" (at 1 12) "must list at least one endpoint"
            }

            test "a root that is not a mapping is rejected" {
                expectIssue (singleError "- a\n- b\n") ConfigParser.DocumentPath (at 1 1) "must be a mapping"
            }

            test "a YAML syntax error keeps YamlDotNet's position" {
                expectIssue
                    (singleError "endpoints:\n  - name: \"open\n")
                    ConfigParser.DocumentPath
                    (at 2 11)
                    "invalid YAML"
            }

            test "input YamlDotNet mis-reads is a YAML error, not an exception" {
                for text in [ "- : 'x''y'"; "a: !!]x"; "a: [1, 2\nb: 3" ] do
                    let issue = singleError text
                    Expect.equal issue.Path ConfigParser.DocumentPath $"path for %s{text}"
                    Expect.stringContains issue.Message "invalid YAML" $"message for %s{text}"
            }

            test "a duplicate key is a YAML error at the second key" {
                expectIssue (singleError "cachet: 1\ncachet: 2\n") ConfigParser.DocumentPath (at 2 1) "Duplicate key"
            }

            test "missing mandatory keys are reported together at the endpoint" {
                let text =
                    "endpoints:\n  - name: api\n    frequency: 5\ncachet: {api_url: https://s.example/api/v1, token: t}\n"

                let issues = errors text

                Expect.equal
                    (issues |> List.map _.Path)
                    [
                        "endpoints[0].component_id"
                        "endpoints[0].expectation"
                        "endpoints[0].method"
                        "endpoints[0].timeout"
                        "endpoints[0].url"
                    ]
                    "paths"

                for issue in issues do
                    Expect.equal issue.Position (at 2 5) "the endpoint's mapping"
                    Expect.equal issue.Message "is required" "message"
            }

            test "a misspelt mandatory key is pointed out in the error" {
                let text = withKeys [ "timeout", None; "timout", Some "3" ]
                let issue = singleError text
                expectIssue issue "endpoints[0].timeout" (at 2 5) "is required (found \"timout\""
            }

            testList
                "one bad value, reported at the value"
                [
                    for name, key, value, fragment in
                        [
                            "a URL with another scheme is rejected",
                            "url",
                            "ftp://example.com",
                            "\"ftp://example.com\" must be an http://, https://, tcp://, tls:// or dns:// URL"
                            "a method with a space is rejected", "method", "'GE T'", "is not an HTTP method"
                            "a negative timeout is rejected", "timeout", "-1", "must be a positive number of seconds"
                            "a non-numeric timeout is rejected",
                            "timeout",
                            "soon",
                            "\"soon\" must be a positive number of seconds"
                            "a timeout over a day is rejected", "timeout", "90000", "must be at most 86400 seconds"
                            "a negative frequency is rejected",
                            "frequency",
                            "-1",
                            "must be a positive number of seconds"
                            "a non-boolean insecure is rejected", "insecure", "maybe", "must be true or false"
                            "a fractional allowed_fails is rejected",
                            "allowed_fails",
                            "1.5",
                            "must be a whole number from 0 to 1000000"
                            "a zero success_threshold is rejected",
                            "success_threshold",
                            "0",
                            "must be a whole number from 1 to 1000000"
                            "allowed_fails of Int32.MaxValue is rejected, not overflowed",
                            "allowed_fails",
                            "2147483647",
                            "\"2147483647\" must be a whole number from 0 to 1000000"
                            "a success_threshold of Int32.MaxValue is rejected",
                            "success_threshold",
                            "2147483647",
                            "\"2147483647\" must be a whole number from 1 to 1000000"
                            "allowed_fails just over the maximum is rejected",
                            "allowed_fails",
                            "1000001",
                            "must be a whole number from 0 to 1000000"
                            "allowed_fails beyond Int64 is rejected with the range",
                            "allowed_fails",
                            "99999999999999999999",
                            "must be a whole number from 0 to 1000000"
                            "a non-integer component_id is rejected",
                            "component_id",
                            "1.5",
                            "must be a positive whole number"
                            "a huge component_id is rejected",
                            "component_id",
                            "99999999999999999999",
                            "must be a positive whole number"
                            "a zero metric_id is rejected", "metric_id", "0", "must be a positive whole number"
                            "an unknown severity is rejected",
                            "on_unreachable",
                            "CRITICAL",
                            "\"CRITICAL\" is not a severity"
                            "a header list is rejected", "header", "[a, b]", "must be a mapping"
                            "an action that is not a list is rejected",
                            "action",
                            "UPDATE_STATUS",
                            "must be a list of actions"
                            "an empty expectation list is rejected",
                            "expectation",
                            "[]",
                            "must list at least one expectation"
                        ] do
                        yield test name { rejects key value fragment }
                ]

            test "an unknown action is named with a suggestion" {
                let text = set "action" "[UPDATE_STATUS, CREATE_INCIDENTS]"

                expectIssue
                    (singleError text)
                    "endpoints[0].action[1]"
                    (positionOf text "CREATE_INCIDENTS")
                    "unknown action \"CREATE_INCIDENTS\" (did you mean \"CREATE_INCIDENT\"?)"
            }

            test "a header value with a line break is rejected" {
                let text = set "header" "{X-A: \"a\\nb\"}"
                expectIssue (singleError text) "endpoints[0].header.X-A" (positionOf text "\"a\\nb\"") "line break"
            }

            test "an unknown expectation type is rejected with a suggestion" {
                let text = set "expectation" "[{type: HTTP_STATU, status_range: 200}]"

                expectIssue
                    (singleError text)
                    "endpoints[0].expectation[0].type"
                    (positionOf text "HTTP_STATU,")
                    "did you mean \"HTTP_STATUS\"?"
            }

            test "a latency threshold must be positive" {
                let text = set "expectation" "[{type: LATENCY, threshold: -1}]"

                expectIssue
                    (singleError text)
                    "endpoints[0].expectation[0].threshold"
                    (positionOf text "-1}")
                    "must be a positive number of seconds"
            }

            test "each expectation type requires its parameter" {
                let text = set "expectation" "[{type: REGEX}, {type: LATENCY}, {type: HTTP_STATUS}]"

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Message))
                    [
                        "endpoints[0].expectation[0].regex", "is required"
                        "endpoints[0].expectation[1].threshold", "is required"
                        "endpoints[0].expectation[2].status_range", "is required"
                    ]
                    "errors"
            }

            test "an invalid regex is rejected with the reason" {
                let text = set "expectation" "[{type: REGEX, regex: 'a(b'}]"

                expectIssue
                    (singleError text)
                    "endpoints[0].expectation[0].regex"
                    (positionOf text "'a(b'")
                    "\"a(b\": Invalid pattern"
            }

            test "an unknown incident severity is rejected, not ignored" {
                let text = set "expectation" "[{type: LATENCY, threshold: 1, incident: SEVERE}]"

                expectIssue
                    (singleError text)
                    "endpoints[0].expectation[0].incident"
                    (positionOf text "SEVERE")
                    "\"SEVERE\" is not a severity"
            }

            testList
                "status_range errors"
                [
                    for value, fragment in
                        [
                            "2OO-300", "\"2OO-300\" is not a status or range"
                            "200-200", "the upper bound 200 must be greater than the lower bound 200"
                            "300-200", "must be greater than"
                            "200-300-400", "\"200-300-400\" has more than two parts"
                            "'-5'", "is not a status or range"
                            "42", "42 is not an HTTP status code"
                            "'{a: 1}'", "is not a status or range"
                        ] do
                        yield
                            test $"%s{value} is rejected" {
                                let text = set "expectation" $"[{{type: HTTP_STATUS, status_range: %s{value}}}]"

                                expectIssue
                                    (singleError text)
                                    "endpoints[0].expectation[0].status_range"
                                    (positionOf text $"%s{value}}}")
                                    fragment
                            }

                    yield
                        test "an item of the list form is reported with its index" {
                            let text = set "expectation" "[{type: HTTP_STATUS, status_range: [200-299, 2OO]}]"

                            expectIssue
                                (singleError text)
                                "endpoints[0].expectation[0].status_range[1]"
                                (positionOf text "2OO")
                                "\"2OO\" is not a status or range"
                        }

                    yield
                        test "an empty list is rejected" {
                            let text = set "expectation" "[{type: HTTP_STATUS, status_range: []}]"
                            Expect.stringContains (singleError text).Message "must list at least one" "empty"
                        }
                ]

            test "cachet requires api_url and token" {
                let text = (withKeys []).Split("cachet:")[0] + "cachet:\n  api_ur: x\n"

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "cachet.api_url", at 10 3, "is required (found \"api_ur\": a misspelling?)"
                        "cachet.token", at 10 3, "is required"
                    ]
                    "errors"
            }

            test "token providers are checked up front" {
                let text =
                    (withKeys [])
                        .Replace(
                            "  token: secret-token",
                            "  token:\n    - type: TOKN\n    - type: AWS_SECRETS_MANAGER\n      secret_name: s\n    - type: ENVIRONMENT_VARIABLE\n"
                        )

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "cachet.token[0].type",
                        at 12 13,
                        "unknown token provider type \"TOKN\" (did you mean \"TOKEN\"?); the types are ENVIRONMENT_VARIABLE, TOKEN, AWS_SECRETS_MANAGER"
                        "cachet.token[1].region", at 13 7, "is required"
                        "cachet.token[1].secret_key", at 13 7, "is required"
                        "cachet.token[2].value", at 15 7, "is required"
                    ]
                    "errors"
            }

            test "an unknown message placeholder is rejected, naming the key and placeholder" {
                let text =
                    "endpoints:\n  - {name: a, url: a.example, method: GET, timeout: 1, frequency: 5, component_id: 1, team: x, expectation: [{type: LATENCY, threshold: 1}]}\n"
                    + "  - {name: b, url: b.example, method: GET, timeout: 1, frequency: 5, component_id: 2, expectation: [{type: LATENCY, threshold: 1}]}\n"
                    + "cachet: {api_url: https://s.example/api/v1, token: t}\n"
                    + "messages:\n  incident_operational: \"{team} {nope} ok\"\n"

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "messages.incident_operational", at 6 25, "placeholder {team} is not a key of endpoints[1]"
                        "messages.incident_operational", at 6 25, "placeholder {nope} is not a key of any endpoint"
                    ]
                    "errors"
            }

            test "a malformed message template is rejected" {
                let text = withKeys [] + "messages:\n  incident_outage: \"{name is down\"\n"

                expectIssue
                    (singleError text)
                    "messages.incident_outage"
                    (at 13 20)
                    "is not a valid template: unclosed '{'"
            }

            test "webhook placeholders other than title and message are rejected" {
                let text =
                    withKeys []
                    + "webhooks:\n  - url: https://hook.example/{name}\n    params:\n      ok: \"{title}\"\n      bad: \"{url}\"\n"

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "webhooks[0].url",
                        at 13 10,
                        "placeholder {name} is not allowed here (only {title} and {message})"
                        "webhooks[0].params.bad",
                        at 16 12,
                        "placeholder {url} is not allowed here (only {title} and {message})"
                    ]
                    "errors"
            }

            test "a webhook URL must be http or https" {
                let text = withKeys [] + "webhooks:\n  - url: mailto:x@example.com\n"
                expectIssue (singleError text) "webhooks[0].url" (at 13 10) "must be an http:// or https:// URL"
            }

            test "aliases may not name the value they are inside" {
                let text = "endpoints: &e [*e]\n"
                expectIssue (singleError text) ConfigParser.DocumentPath (at 1 16) "is used inside the value it names"
            }

            test "a config with several mistakes reports all of them, in order" {
                let text =
                    String.concat
                        "\n"
                        [
                            "endpoints:"
                            "  - name: api"
                            "    url: ftp://example.com"
                            "    method: GET"
                            "    timeout: -5"
                            "    expectation:"
                            "      - type: HTTP_STATUS"
                            "        status_range: 2OO-300"
                            "      - type: LATENCY"
                            "        threshold: 0"
                            "    component_id: 1"
                            "    frequency: 10"
                            "    latency_unit: sec"
                            "    action: [PUSH_METRICS]"
                            "    metric_id: 4"
                            "  - name: web"
                            "    url: example.org"
                            "    method: GET"
                            "    timeout: 1"
                            "    expectation: []"
                            "    frequency: 10"
                            "cachet:"
                            "  token: abc"
                            ""
                        ]

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position))
                    [
                        "endpoints[0].url", at 3 10
                        "endpoints[0].timeout", at 5 14
                        "endpoints[0].expectation[0].status_range", at 8 23
                        "endpoints[0].expectation[1].threshold", at 10 20
                        "endpoints[0].latency_unit", at 13 19
                        "endpoints[1].component_id", at 16 5
                        "endpoints[1].expectation", at 20 18
                        "cachet.api_url", at 23 3
                    ]
                    "all eight errors"
            }

            test "a repeated endpoint name is an error at each repeat, pointing at the first use" {
                let endpoint (name: string) =
                    [
                        $"  - name: %s{name}"
                        "    url: example.com"
                        "    method: GET"
                        "    timeout: 1"
                        "    frequency: 10"
                        "    component_id: 1"
                        "    expectation: [{type: HTTP_STATUS, status_range: 200}]"
                    ]

                let text =
                    String.concat
                        "\n"
                        ([ "endpoints:" ]
                         @ endpoint "api"
                         @ endpoint "web"
                         @ endpoint "api"
                         @ endpoint "'api'"
                         @ [ "cachet:"; "  api_url: https://status.example/api/v1"; "  token: abc"; "" ])

                Expect.equal
                    (errors text |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "endpoints[2].name",
                        at 16 11,
                        "\"api\" is already the name of endpoints[0] (line 2, col 11); every endpoint needs its own name"
                        "endpoints[3].name",
                        at 23 11,
                        "\"api\" is already the name of endpoints[0] (line 2, col 11); every endpoint needs its own name"
                    ]
                    "each repeat, however it is quoted"
            }

            test "a name repeated through the environment is an error that does not show the value" {
                let lookup = environment [ "N", "secret-name-1234" ]
                let single = withKeys [ "name", Some "${N}" ]
                let cachet = single.IndexOf "cachet:"
                let endpoint = single.Substring(0, cachet).Replace("endpoints:\n", "")
                let issues = errorsWith lookup (single.Insert(cachet, endpoint))

                Expect.equal (issues |> List.map _.Path) [ "endpoints[1].name" ] (render issues)
                Expect.isFalse (issues.Head.Message.Contains "secret-name-1234") "masked"
            }
        ]

let private warningTests =
    testList
        "warnings"
        [
            test "unknown keys get a did-you-mean suggestion at every level" {
                let text =
                    (withKeys [ "timout", Some "3"; "colour", Some "red" ]).Replace("  token:", "  tokn: x\n  token:")
                    + "webhook: []\n"

                Expect.equal
                    ((parseOk text).Warnings |> List.map (fun i -> i.Path, i.Position, i.Message))
                    [
                        "endpoints[0].timout", at 9 5, "unknown key \"timout\" (did you mean \"timeout\"?)"
                        "endpoints[0].colour", at 10 5, "unknown key \"colour\" (ignored)"
                        "cachet.tokn", at 13 3, "unknown key \"tokn\" (did you mean \"token\"?)"
                        "webhook", at 15 1, "unknown key \"webhook\" (did you mean \"webhooks\"?)"
                    ]
                    "warnings"
            }

            test "incident_performace is read as incident_performance with a warning" {
                let text = withKeys [] + "messages:\n  incident_performace: \"{name} is slow\"\n"
                let parsed = parseOk text
                Expect.equal parsed.Config.Endpoints.Head.Titles.Performance "api is slow" "used"

                match parsed.Warnings with
                | [ warning ] ->
                    expectIssue warning "messages.incident_performace" (at 13 3) "is read as \"incident_performance\""
                | many -> failtest (render many)
            }

            test "a zero or empty timeout means one second, with a warning" {
                for value in [ "0"; "0.0"; "null"; "" ] do
                    let text = set "timeout" value
                    let parsed = parseOk text
                    Expect.equal parsed.Config.Endpoints.Head.TimeoutSeconds 1.0 $"timeout %s{value}"

                    match parsed.Warnings with
                    | [ warning ] ->
                        Expect.equal warning.Path "endpoints[0].timeout" "path"
                        Expect.stringContains warning.Message "using 1 second" "message"
                    | many -> failtest (render many)
            }

            test "PUSH_METRICS without a metric_id warns" {
                let text = set "action" "[UPDATE_STATUS, PUSH_METRICS]"

                match (parseOk text).Warnings with
                | [ warning ] ->
                    expectIssue
                        warning
                        "endpoints[0].action[1]"
                        (positionOf text "PUSH_METRICS")
                        "does nothing without a metric_id"
                | many -> failtest (render many)
            }
        ]

let private environmentTests =
    testList
        "environment variables"
        [
            test "${VAR} and $VAR are replaced in values" {
                let lookup = environment [ "HOST", "api.example"; "TOKEN", "s3cret"; "FREQ", "15" ]

                let text =
                    (set "url" "https://${HOST}/health")
                        .Replace("frequency: 30", "frequency: $FREQ")
                        .Replace("secret-token", "${TOKEN}")

                let parsed = parseWith lookup text
                Expect.equal parsed.Config.Endpoints.Head.Url "https://api.example/health" "url"
                Expect.equal parsed.Config.Endpoints.Head.FrequencySeconds 15.0 "a number from the environment"
                Expect.equal parsed.Config.Cachet.Token (PlainToken(Secret.create "s3cret")) "token"
            }

            test "an unset variable is an error naming it, at the value" {
                let text = set "url" "${CACHET_X}/health"

                expectIssue
                    (singleError text)
                    "endpoints[0].url"
                    (positionOf text "${CACHET_X}")
                    "environment variable CACHET_X is not set"
            }

            test "a bad value from the environment is shown as ***" {
                let secret = "hunter2-not-a-number"

                let lookup =
                    environment [ "T", secret; "R", $"1-%s{secret}"; "U", $"ftp://%s{secret}" ]

                let text =
                    withKeys
                        [
                            "timeout", Some "${T}"
                            "url", Some "$U"
                            "expectation", Some "[{type: HTTP_STATUS, status_range: '${R}'}]"
                        ]

                let issues = errorsWith lookup text
                Expect.equal issues.Length 3 (render issues)

                for issue in issues do
                    Expect.isFalse (issue.Message.Contains secret) $"leaks: %s{issue.Message}"
                    Expect.stringContains issue.Message "***" "masked"
            }

            test "CACHET_TOKEN is not consulted for a plain token" {
                let parsed = parseWith (environment [ "CACHET_TOKEN", "from-env" ]) (withKeys [])
                Expect.equal parsed.Config.Cachet.Token (PlainToken(Secret.create "secret-token")) "as written"
            }
        ]

[<Tests>]
let tests =
    testList
        "ConfigParser"
        [
            readmeTests
            defaultTests
            valueTests
            ruleTests
            warningTests
            environmentTests
        ]
