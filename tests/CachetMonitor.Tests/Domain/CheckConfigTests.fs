/// Reading the checks beyond HTTP (issue #13 items 1–4): the URL kinds, their expectations and keys, and the
/// combinations refused at load, each error at its key and line.
module CachetMonitor.Tests.Domain.CheckConfigTests

open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private noEnvironment (_: string) : string option = None

/// A config with one endpoint made of these lines (indented as an endpoint's keys).
let private configOf (lines: string list) =
    String.concat
        "\n"
        ([ "endpoints:"; "  - name: svc" ]
         @ (lines |> List.map (fun l -> "    " + l))
         @ [
             "    timeout: 2"
             "    frequency: 30"
             "    component_id: 1"
             "cachet:"
             "  api_url: https://s.example/api/v1"
             "  token: t"
             ""
         ])

let private endpointOf lines =
    match ConfigParser.parse TestTimeZones.lookup noEnvironment (configOf lines) with
    | Ok parsed -> parsed.Config.Endpoints |> List.exactlyOne
    | Error issues -> failtest (issues |> List.map ConfigIssue.render |> String.concat "\n")

/// The one error of the config, rendered (`path (line L, col C): message`).
let private errorOf lines =
    match ConfigParser.parse TestTimeZones.lookup noEnvironment (configOf lines) with
    | Ok _ -> failtest "expected the config to be rejected"
    | Error [ one ] -> one
    | Error many -> failtest (many |> List.map ConfigIssue.render |> String.concat "\n")

let private expectError lines path line fragment =
    let issue = errorOf lines
    Expect.equal issue.Path path (ConfigIssue.render issue)
    Expect.equal issue.Position.Line line $"the line of: %s{ConfigIssue.render issue}"
    Expect.stringContains issue.Message fragment "message"

/// The warnings of a valid config, rendered.
let private warningsOf lines =
    match ConfigParser.parse TestTimeZones.lookup noEnvironment (configOf lines) with
    | Ok parsed -> parsed.Warnings |> List.map ConfigIssue.render
    | Error issues -> failtest (issues |> List.map ConfigIssue.render |> String.concat "\n")

/// An http endpoint that pushes metric 7, with these extra lines.
let private pushing lines =
    [
        "url: https://q.example/stats"
        "method: GET"
        "expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
    ]
    @ [ "action: [PUSH_METRICS]"; "metric_id: 7" ]
    @ lines

[<Tests>]
let tests =
    testList
        "check config"
        [
            testList
                "URL kinds"
                [
                    test "tcp:// needs neither method nor expectation, and reads send and expect" {
                        let endpoint =
                            endpointOf [ "url: tcp://redis.internal:6379"; "send: \"PING\\r\\n\""; "expect: ^\\+PONG" ]

                        Expect.equal endpoint.Target (TcpTarget("redis.internal", 6379, false)) "target"
                        Expect.equal endpoint.Send (Some "PING\r\n") "send"
                        Expect.equal (endpoint.Expectations |> List.map _.Kind.TypeName) [ "EXPECT" ] "expect"
                        Expect.isTrue endpoint.NeedsBody "expect reads the first bytes"
                    }

                    test "tls:// is a TCP target with a handshake and takes CERTIFICATE_EXPIRATION (PERFORMANCE)" {
                        let endpoint =
                            endpointOf
                                [
                                    "url: tls://[::1]:993"
                                    "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 14}]"
                                ]

                        Expect.equal endpoint.Target (TcpTarget("::1", 993, true)) "target"

                        Expect.equal
                            endpoint.Expectations
                            [
                                {
                                    Kind = CertificateExpiration 14.0
                                    Severity = Performance
                                }
                            ]
                            "threshold in days"

                        Expect.isTrue endpoint.NeedsCertificate "reads the certificate"
                    }

                    test "dns:// reads the resolver, port, name and type (53 and A by default)" {
                        let endpoint =
                            endpointOf
                                [
                                    "url: dns://192.0.2.53:5353/shop.example?type=mx"
                                    "expectation: [{type: DNS_ANSWER, value: 10 mail.shop.example}]"
                                ]

                        Expect.equal
                            endpoint.Target
                            (DnsTarget
                                {
                                    Resolver = "192.0.2.53"
                                    Port = 5353
                                    Name = "shop.example"
                                    RecordType = MX
                                })
                            "query"

                        match (endpointOf [ "url: dns://1.1.1.1/example.org" ]).Target with
                        | DnsTarget query -> Expect.equal (query.Port, query.RecordType) (53, A) "defaults"
                        | other -> failtest $"%A{other}"
                    }

                    test "JSON reads path and value (PARTIAL), or path and regex" {
                        let endpoint =
                            endpointOf
                                [
                                    "url: https://shop.example/actuator/health"
                                    "method: GET"
                                    "expectation: [{type: JSON, path: components.db.status, value: UP}, {type: JSON, path: 'checks[0].ok', regex: 'true|yes'}]"
                                ]

                        match endpoint.Expectations with
                        | [ {
                                Kind = JsonValue(first, Equals "UP")
                                Severity = Partial
                            }
                            {
                                Kind = JsonValue(second, Matches pattern)
                            } ] ->
                            Expect.equal (JsonPath.render first) "components.db.status" "path"
                            Expect.equal (JsonPath.render second) "checks[0].ok" "indexed path"
                            Expect.equal (RegexPattern.source pattern) "true|yes" "regex"
                        | other -> failtest $"%A{other}"

                        Expect.isTrue endpoint.NeedsBody "JSON reads the body"
                    }

                    test "an http URL still needs method and expectation" {
                        expectError
                            [ "url: https://shop.example/"; "expectation: [{type: LATENCY, threshold: 1}]" ]
                            "endpoints[0].method"
                            2
                            "is required"
                    }
                ]

            testList
                "refused, at the key and its line"
                [
                    test "a dns URL without a name" {
                        expectError [ "url: dns://192.0.2.53/" ] "endpoints[0].url" 3 "has no name to look up"
                    }

                    test "an unknown type=" {
                        expectError
                            [ "url: dns://192.0.2.53/shop.example?type=SRV" ]
                            "endpoints[0].url"
                            3
                            "unknown DNS record type \"SRV\""
                    }

                    test "a tcp URL without a port, or with a path" {
                        expectError [ "url: tcp://db.internal" ] "endpoints[0].url" 3 "has no port"
                        expectError [ "url: tcp://db.internal:5432/x" ] "endpoints[0].url" 3 "without a path"
                    }

                    test "DNS_ANSWER on an http URL" {
                        expectError
                            [
                                "url: https://shop.example/"
                                "method: GET"
                                "expectation:"
                                "  - type: HTTP_STATUS"
                                "    status_range: 200-300"
                                "  - type: DNS_ANSWER"
                                "    value: 192.0.2.1"
                            ]
                            "endpoints[0].expectation[1].type"
                            8
                            "DNS_ANSWER works with dns:// URLs only, not with a https:// URL"
                    }

                    test "HTTP_STATUS, REGEX and JSON on a tcp URL; CERTIFICATE_EXPIRATION on http:// and tcp://" {
                        expectError
                            [ "url: tcp://db:5432"; "expectation: [{type: REGEX, regex: ok}]" ]
                            "endpoints[0].expectation[0].type"
                            4
                            "REGEX works with http:// and https:// URLs only"

                        expectError
                            [
                                "url: http://shop.example/"
                                "method: GET"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 3}]"
                            ]
                            "endpoints[0].expectation[0].type"
                            5
                            "CERTIFICATE_EXPIRATION works with https:// and tls:// URLs only, not with a http:// URL"

                        expectError
                            [
                                "url: tcp://db:5432"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 3}]"
                            ]
                            "endpoints[0].expectation[0].type"
                            4
                            "not with a tcp:// URL"
                    }

                    test "send on an http URL, header on a tcp URL, expect on a dns URL" {
                        expectError
                            [
                                "url: https://shop.example/"
                                "method: GET"
                                "expectation: [{type: LATENCY, threshold: 1}]"
                                "send: hi"
                            ]
                            "endpoints[0].send"
                            6
                            "does not apply to a https:// URL"

                        expectError
                            [ "url: tcp://db:5432"; "header: {X-A: b}" ]
                            "endpoints[0].header"
                            4
                            "does not apply to a tcp:// URL"

                        expectError
                            [ "url: dns://192.0.2.1/a.example"; "expect: x" ]
                            "endpoints[0].expect"
                            4
                            "does not apply"
                    }

                    test "JSON without path, with both value and regex, with a bad path; a threshold of 0 days" {
                        let url = [ "url: https://s.example/"; "method: GET" ]

                        expectError
                            (url @ [ "expectation: [{type: JSON, value: UP}]" ])
                            "endpoints[0].expectation[0].path"
                            5
                            "is required"

                        expectError
                            (url @ [ "expectation: [{type: JSON, path: a, value: UP, regex: U}]" ])
                            "endpoints[0].expectation[0].regex"
                            5
                            "cannot go with value"

                        expectError
                            (url @ [ "expectation: [{type: JSON, path: 'a..b', value: UP}]" ])
                            "endpoints[0].expectation[0].path"
                            5
                            "is not a JSON path"

                        expectError
                            [
                                "url: https://s.example/"
                                "method: GET"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 0}]"
                            ]
                            "endpoints[0].expectation[0].threshold"
                            5
                            "must be a positive number of days"
                    }

                    test "DNS_ANSWER without value or regex" {
                        expectError
                            [ "url: dns://192.0.2.1/a.example"; "expectation: [{type: DNS_ANSWER}]" ]
                            "endpoints[0].expectation[0].value"
                            4
                            "is required (or regex)"
                    }
                ]

            testList
                "metric_value"
                [
                    test "json reads a path; the endpoint reads the body and pushes the value" {
                        let endpoint = endpointOf (pushing [ "metric_value: {json: 'queue.depth'}" ])

                        match endpoint.MetricValue with
                        | Some(JsonNumber path) -> Expect.equal (JsonPath.render path) "queue.depth" "path"
                        | other -> failtest $"%A{other}"

                        Expect.isTrue endpoint.NeedsBody "the value is in the body"
                        Expect.isTrue endpoint.PushesMetricValue "PUSH_METRICS and metric_id"
                        Expect.equal endpoint.MetricValueOrNull "json: queue.depth" "as written"
                    }

                    test "regex reads its group named value, or its only group" {
                        match
                            (endpointOf (pushing [ "metric_value: {regex: 'a=(\\d+) b=(?<value>\\d+)'}" ])).MetricValue
                        with
                        | Some(CapturedNumber(_, group)) -> Expect.equal group "value" "the named group"
                        | other -> failtest $"%A{other}"

                        match (endpointOf (pushing [ "metric_value: {regex: 'depth: (\\d+)'}" ])).MetricValue with
                        | Some(CapturedNumber(_, group)) -> Expect.equal group "1" "the only group"
                        | other -> failtest $"%A{other}"
                    }

                    test "without metric_value nothing changes: no body read, the latency is pushed" {
                        let endpoint = endpointOf (pushing [])
                        Expect.isNone endpoint.MetricValue "absent"
                        Expect.isFalse endpoint.NeedsBody "status only"
                        Expect.isFalse endpoint.PushesMetricValue "no value"
                    }

                    test "both json and regex, or neither, is an error at the key and line" {
                        expectError
                            (pushing [ "metric_value: {json: a, regex: '(\\d+)'}" ])
                            "endpoints[0].metric_value.regex"
                            8
                            "cannot go with json"

                        expectError
                            (pushing [ "metric_value: {}" ])
                            "endpoints[0].metric_value.json"
                            8
                            "is required (or regex)"

                        expectError
                            (pushing [ "metric_value: queue.depth" ])
                            "endpoints[0].metric_value"
                            8
                            "must be a mapping"
                    }

                    test "a regex without a group, with groups and none named value, or invalid; a bad JSON path" {
                        expectError
                            (pushing [ "metric_value: {regex: 'depth: \\d+'}" ])
                            "endpoints[0].metric_value.regex"
                            8
                            "it has no capture group"

                        expectError
                            (pushing [ "metric_value: {regex: '(\\d+)/(\\d+)'}" ])
                            "endpoints[0].metric_value.regex"
                            8
                            "2 capture groups and none named value"

                        expectError
                            (pushing [ "metric_value: {regex: '(unclosed'}" ])
                            "endpoints[0].metric_value.regex"
                            8
                            "Invalid pattern"

                        expectError
                            (pushing [ "metric_value: {json: 'a..b'}" ])
                            "endpoints[0].metric_value.json"
                            8
                            "is not a JSON path"
                    }

                    test "tcp, tls and dns URLs have no body: metric_value is an error there" {
                        for url in
                            [
                                "tcp://db.internal:5432"
                                "tls://db.internal:5432"
                                "dns://192.0.2.1/a.example"
                            ] do
                            expectError
                                [
                                    $"url: %s{url}"
                                    "action: [PUSH_METRICS]"
                                    "metric_id: 7"
                                    "metric_value: {json: a}"
                                ]
                                "endpoints[0].metric_value"
                                6
                                "does not apply to a"
                    }

                    test "without PUSH_METRICS or a metric_id it is a warning; unknown keys in it are warned about" {
                        let http =
                            [
                                "url: https://q.example/stats"
                                "method: GET"
                                "expectation: [{type: HTTP_STATUS, status_range: 200-300}]"
                            ]

                        Expect.contains
                            (warningsOf (http @ [ "metric_value: {json: a}" ]))
                            "endpoints[0].metric_value (line 6, col 19): does nothing without PUSH_METRICS in action (and a metric_id)"
                            "no PUSH_METRICS"

                        Expect.contains
                            (warningsOf (http @ [ "action: [PUSH_METRICS]"; "metric_value: {json: a}" ]))
                            "endpoints[0].metric_value (line 7, col 19): does nothing without a metric_id"
                            "no metric_id"

                        let unknown = warningsOf (pushing [ "metric_value: {json: a, jsn: b}" ])

                        Expect.isTrue
                            (unknown |> List.exists (fun w -> w.StartsWith "endpoints[0].metric_value.jsn"))
                            $"%A{unknown}"

                        Expect.isEmpty (warningsOf (pushing [ "metric_value: {json: a}" ])) "pushed: nothing to warn of"
                    }
                ]
        ]
