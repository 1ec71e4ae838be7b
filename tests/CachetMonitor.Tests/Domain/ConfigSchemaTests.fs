/// The files made from the key table (the JSON Schema, the reference tables) are the committed ones, and the schema
/// agrees with the parser on a corpus of valid and invalid configs (checked with JsonSchema.Net).
module CachetMonitor.Tests.Domain.ConfigSchemaTests

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open Expecto
open Json.Schema
open YamlDotNet.RepresentationModel
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private schemaPath = RepoFiles.path "docs/config.schema.json"
let private referencePath = RepoFiles.path "docs/configuration.md"

/// `CACHET_MONITOR_UPDATE_GENERATED=1` rewrites the committed files instead of failing.
let private updating =
    Environment.GetEnvironmentVariable "CACHET_MONITOR_UPDATE_GENERATED" = "1"

let private matchesCommitted (path: string) (generated: string) =
    if updating then
        File.WriteAllText(path, generated)

    let committed = File.ReadAllText path

    if committed <> generated then
        failtest
            $"%s{path} differs from what the key table makes; run CACHET_MONITOR_UPDATE_GENERATED=1 dotnet run --project tests/CachetMonitor.Tests -- --filter-test-list \"generated\""

let private schema =
    lazy (JsonSchema.FromText(ConfigSchema.text (), BuildOptions(SchemaRegistry = SchemaRegistry()), null, Nullable()))

let private plainNumber = Regex @"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"

/// YAML as an editor's language server sees it (YAML 1.2 core schema: plain numbers, true/false and null typed).
let rec private toJson (node: YamlNode) : JsonNode | null =
    match node with
    | :? YamlMappingNode as mapping ->
        let o = JsonObject()

        for KeyValue(key, value) in mapping.Children do
            o[(key :?> YamlScalarNode).Value |> string] <- toJson value

        o
    | :? YamlSequenceNode as sequence ->
        let a = JsonArray()

        for item in sequence.Children do
            a.Add(toJson item)

        a
    | :? YamlScalarNode as scalar ->
        let text = scalar.Value |> Option.ofObj |> Option.defaultValue ""

        if scalar.Style <> YamlDotNet.Core.ScalarStyle.Plain then
            JsonValue.Create text
        else
            match text with
            | ""
            | "~"
            | "null"
            | "Null"
            | "NULL" -> null
            | "true"
            | "True"
            | "TRUE" -> JsonValue.Create true
            | "false"
            | "False"
            | "FALSE" -> JsonValue.Create false
            | number when plainNumber.IsMatch number ->
                if Regex.IsMatch(number, @"^[-+]?\d+$") then
                    JsonValue.Create(Int64.Parse number)
                else
                    JsonValue.Create(Double.Parse(number, Globalization.CultureInfo.InvariantCulture))
            | _ -> JsonValue.Create text
    | _ -> null

let private schemaAccepts (yaml: string) =
    let stream = YamlStream()
    stream.Load(new StringReader(yaml))
    let json = toJson stream.Documents[0].RootNode
    let element = JsonSerializer.SerializeToElement json
    (schema.Force().Evaluate(element, EvaluationOptions())).IsValid

let private environment name =
    match name with
    | "T" -> Some "5"
    | "TOKEN" -> Some "t0ken"
    | _ -> None

let private parserAccepts (yaml: string) =
    (ConfigParser.parse TestTimeZones.lookup environment yaml) |> Result.isOk

let private configWith (endpointLines: string list) (rest: string list) =
    String.concat
        "\n"
        ([ "endpoints:" ]
         @ ConfigText.endpoint endpointLines
         @ [ "cachet:"; "  api_url: https://status.example/api/v1"; "  token: ${TOKEN}" ]
         @ rest
         @ [ "" ])

let private validCorpus =
    [
        "the smallest config", configWith [] []
        "every endpoint key",
        configWith
            [
                "header: {X-Team: ops, X-Count: 5}"
                "insecure: yes"
                "allowed_fails: 2"
                "success_threshold: 3"
                "metric_id: 4"
                "latency_unit: ms"
                "action: [UPDATE_STATUS, CREATE_INCIDENT, PUSH_METRICS]"
                "public_incidents: false"
                "body: '{}'"
                "on_timeout: major"
                "on_unreachable: PARTIAL"
                "team: ops"
            ]
            [
                "webhooks:"
                "  - url: https://hooks.example/{title}"
                "    params: {text: '{message}', n: 3, dropped: null}"
                "    json: true"
                "messages:"
                "  incident_outage: '{name} ({team}) is down'"
            ]
        "numbers and flags from the environment or as strings",
        (configWith [ "insecure: 'on'"; "allowed_fails: '1'" ] []).Replace("timeout: 2", "timeout: ${T}")
        "the values the original ran: 0 and negative",
        (configWith [ "allowed_fails: -1" ] []).Replace("frequency: 30", "frequency: 0")
        "an empty timeout", (configWith [] []).Replace("timeout: 2", "timeout:")
        "a status list and every expectation type",
        (configWith [] [])
            .Replace(
                "expectation: [{type: HTTP_STATUS, status_range: 200-300}]",
                "expectation: [{type: HTTP_STATUS, status_range: [200-299, 304]}, {type: LATENCY, threshold: 0.5}, {type: REGEX, regex: ok, incident: MAJOR}]"
            )
        "a provider list",
        (configWith [] [])
            .Replace(
                "  token: ${TOKEN}",
                "  token:\n    - {type: ENVIRONMENT_VARIABLE, value: TOKEN}\n    - {type: AWS_SECRETS_MANAGER, secret_name: s, secret_key: k, region: eu-west-1}"
            )
        "one provider mapping", (configWith [] []).Replace("  token: ${TOKEN}", "  token: {type: TOKEN, value: abc}")
        "an unknown key (a warning)", configWith [ "timout: 3" ] []
        "maintenance windows and a connectivity guard",
        configWith
            []
            [
                "maintenance:"
                "  - {name: nightly, cron: '0 2 * * *', duration: 1h30m, timezone: Europe/Berlin, endpoints: [api]}"
                "  - {name: move, start: '2026-12-01T02:00:00Z', end: '2026-12-01T04:00:00+01:00', maintenance_status: true}"
                "connectivity: {urls: ['tcp://127.0.0.1:53', 'https://example.com'], frequency: 10, timeout: 2}"
            ]
        "the connectivity heuristic", configWith [] [ "connectivity: {all_failing_threshold: 0.9}" ]
        "request options and message templates",
        configWith
            [
                "ca_file: /etc/cachet-monitor/ca.pem"
                "client_certificate: /etc/cachet-monitor/monitor.crt"
                "client_key: /etc/cachet-monitor/monitor.key"
                "proxy: socks5://proxy.example:1080"
                "follow_redirects: false"
                "team: ops"
                "messages: {incident_outage_message: '{team}: {reason}', incident_outage: '{name} down'}"
            ]
            [
                "  ca_file: /etc/cachet-monitor/ca.pem"
                "  client_certificate: /etc/cachet-monitor/monitor.pem"
                "messages:"
                "  incident_outage_message: '{name}: {reason} (HTTP {status_code}, {latency_ms} ms)'"
                "  incident_performance_message: '{name} is slow ({expires_in_days})'"
                "  incident_operational_message: '{name} is back'"
            ]
        "a tcp check without method or expectation, with send and expect",
        (configWith [ "send: \"PING\\r\\n\""; "expect: '^\\+PONG'" ] [])
            .Replace("https://example.com/health", "tcp://redis.internal:6379")
            .Replace("    method: GET\n", "")
            .Replace("    expectation: [{type: HTTP_STATUS, status_range: 200-300}]\n", "")
        "a tls check of the certificate",
        (configWith [] [])
            .Replace("https://example.com/health", "tls://mail.example:993")
            .Replace("{type: HTTP_STATUS, status_range: 200-300}", "{type: CERTIFICATE_EXPIRATION, threshold: 14}")
        "a dns check",
        (configWith [] [])
            .Replace("https://example.com/health", "dns://192.0.2.53:5353/shop.example?type=AAAA")
            .Replace("{type: HTTP_STATUS, status_range: 200-300}", "{type: DNS_ANSWER, regex: '^2001:db8:'}")
        "JSON and certificate expectations on https",
        (configWith [] [])
            .Replace(
                "{type: HTTP_STATUS, status_range: 200-300}",
                "{type: JSON, path: 'components.db.status', value: UP}, {type: CERTIFICATE_EXPIRATION, threshold: 7.5, incident: MAJOR}"
            )
        "a value metric read by a JSON path",
        configWith
            [
                "action: [PUSH_METRICS]"
                "metric_id: 4"
                "metric_value: {json: 'queue.depth'}"
            ]
            []
        "a value metric read by a regex group", configWith [ "metric_value: {regex: 'depth=(?<value>\\d+)'}" ] []
    ]

let private invalidCorpus =
    [
        "no cachet", (configWith [] []).Split("cachet:")[0]
        "no endpoints", "endpoints: []\ncachet: {api_url: https://s.example/api/v1, token: t}\n"
        "a negative timeout", (configWith [] []).Replace("timeout: 2", "timeout: -1")
        "a frequency over a week", (configWith [] []).Replace("frequency: 30", "frequency: 700000")
        "component 0", (configWith [] []).Replace("component_id: 1", "component_id: 0")
        "a zero success_threshold", configWith [ "success_threshold: 0" ] []
        "an unknown action", configWith [ "action: [CREATE_INCIDENTS]" ] []
        "an unknown severity", configWith [ "on_timeout: CRITICAL" ] []
        "a flag that is not one", configWith [ "insecure: maybe" ] []
        "an ftp URL", (configWith [] []).Replace("https://example.com/health", "ftp://example.com/x")
        "a non-ASCII header value", configWith [ "header: {X-User: José}" ] []
        "a header list", configWith [ "header: [a, b]" ] []
        "a number as a message", configWith [] [ "messages: {incident_outage: 5}" ]
        "HTTP_STATUS without its range",
        (configWith [] []).Replace("{type: HTTP_STATUS, status_range: 200-300}", "{type: HTTP_STATUS}")
        "a misspelt status range", (configWith [] []).Replace("status_range: 200-300", "status_range: 2OO-300")
        "an unknown expectation type", (configWith [] []).Replace("type: HTTP_STATUS", "type: HTTP_CODE")
        "an AWS provider without region",
        (configWith [] [])
            .Replace("  token: ${TOKEN}", "  token: {type: AWS_SECRETS_MANAGER, secret_name: s, secret_key: k}")
        "a webhook without url", configWith [] [ "webhooks: [{json: true}]" ]
        "endpoints as a mapping", "endpoints: {name: api}\ncachet: {api_url: https://s.example/api/v1, token: t}\n"
        "a window without a name", configWith [] [ "maintenance: [{cron: '0 2 * * *', duration: 30m}]" ]
        "a duration without unit", configWith [] [ "maintenance: [{name: w, cron: '0 2 * * *', duration: 30}]" ]
        "a connectivity URL of another scheme", configWith [] [ "connectivity: {urls: ['ftp://example.com']}" ]
        "a connectivity threshold over 1", configWith [] [ "connectivity: {all_failing_threshold: 1.5}" ]
        "follow_redirects that is not a flag", configWith [ "follow_redirects: sometimes" ] []
        "an endpoint's messages as a list", configWith [ "messages: [a, b]" ] []
        "a number as a message template", configWith [] [ "messages: {incident_outage_message: 5}" ]
        "a ca_file list", configWith [ "ca_file: [a.pem, b.pem]" ] []
        "a dns URL without a name", (configWith [] []).Replace("https://example.com/health", "dns://192.0.2.53/")
        "a dns URL with an unknown type",
        (configWith [] []).Replace("https://example.com/health", "dns://192.0.2.53/a.example?type=SRV")
        "a tcp URL without a port", (configWith [] []).Replace("https://example.com/health", "tcp://db.internal")
        "an http URL without method", (configWith [] []).Replace("    method: GET\n", "")
        "JSON without its path",
        (configWith [] []).Replace("{type: HTTP_STATUS, status_range: 200-300}", "{type: JSON, value: UP}")
        "CERTIFICATE_EXPIRATION without its threshold",
        (configWith [] []).Replace("{type: HTTP_STATUS, status_range: 200-300}", "{type: CERTIFICATE_EXPIRATION}")
        "a metric_value with both json and regex", configWith [ "metric_value: {json: a, regex: '(\\d+)'}" ] []
        "a metric_value with neither json nor regex", configWith [ "metric_value: {}" ] []
        "a metric_value as text", configWith [ "metric_value: queue.depth" ] []
    ]

[<Tests>]
let tests =
    testList
        "generated"
        [
            test "docs/config.schema.json is the schema the key table makes" {
                matchesCommitted schemaPath (ConfigSchema.text ())
            }

            test "docs/configuration.md holds the reference tables the key table makes" {
                let committed = File.ReadAllText referencePath

                for section, _ in ConfigReference.sections do
                    Expect.stringContains
                        (ConfigReference.regenerate committed)
                        (ConfigReference.table section)
                        $"a table for %A{section} (its markers are missing)"

                matchesCommitted referencePath (ConfigReference.regenerate committed)
            }

            test "the bundled examples are valid by the schema" {
                for file in Directory.GetFiles(RepoFiles.path "examples", "*.yml") do
                    Expect.isTrue (schemaAccepts (File.ReadAllText file)) $"%s{Path.GetFileName file}"
            }

            testList
                "the schema and the parser agree"
                [
                    for name, yaml in validCorpus do
                        test $"both accept: %s{name}" {
                            Expect.isTrue (parserAccepts yaml) "the parser accepts"
                            Expect.isTrue (schemaAccepts yaml) "the schema accepts"
                        }
                    for name, yaml in invalidCorpus do
                        test $"both refuse: %s{name}" {
                            Expect.isFalse (parserAccepts yaml) "the parser refuses"
                            Expect.isFalse (schemaAccepts yaml) "the schema refuses"
                        }
                ]
        ]
