/// The real executable against a fake Cachet, a scripted target, a webhook receiver and a fake Secrets
/// Manager, all on 127.0.0.1.
module CachetMonitor.Tests.Host.EndToEndTests

open System
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support

let private token = "e2e-secret-token-4711"

/// A config with this suite's token.
let private config (cachet: FakeCachet) (endpoints: string list) (tail: string list) =
    ScenarioSupport.config cachet.BaseUrl token endpoints tail

let private endpoint = endpointYaml

/// Starts the monitor on a config and stops it with SIGTERM at the end, expecting a prompt exit 0.
let private withMonitor
    (dir: TempDir)
    (yaml: string)
    (args: string list)
    (env: (string * string | null) list)
    (body: Running -> Task<unit>)
    =
    task {
        let path = dir.Write("config.yml", yaml)
        use running = start ([ "run"; path ] @ args) env
        do! body running
        running.Signal SIGTERM
        let! code = running.WaitForExit(seconds 10.0)
        Expect.equal code (Some 0) $"SIGTERM exits 0 promptly\n{running.Output}"
        Expect.isFalse (running.Output.Contains token) "the token never appears in the output"
        return running.Output
    }

/// More endpoints than the start-up listing threshold.
let private manyEndpoints = 25

/// How a start-up with many endpoints read Cachet.
type private ListedStart = { Listings: int; SingleReads: int }

/// Starts the monitor with `manyEndpoints` healthy endpoints whose components all exist, three of them showing a
/// major outage in Cachet. It must adopt each one's status (so exactly those three are set back to operational)
/// whichever way it read them; `failListing` makes the fake refuse the first components listing with a 500.
let private startWithMany (stage: Stage) (failListing: bool) =
    task {
        let cachet = stage.Cachet

        let components =
            [
                for i in 1..manyEndpoints -> cachet.AddComponent($"svc{i}", (if i % 10 = 0 then 4 else 1))
            ]

        let down = components |> List.filter (fun c -> c.Status = 4) |> List.map _.Id

        let endpoints =
            components
            |> List.map (fun c ->
                endpoint c.Name (stage.Target.Url "/health") c.Id (statusExpectation @ [ "action: [UPDATE_STATUS]" ]))

        if failListing then
            cachet.FailNext(CachetFault.Status 500, 1, "GET", "/components")

        let! _ =
            withMonitor stage.Dir (config cachet endpoints []) [] [] (fun running ->
                task {
                    do!
                        waitFor running "the components shown down are set operational" (fun () ->
                            down |> List.forall (fun id -> statusOf cachet id = 1))

                    do! Task.Delay 1500
                })

        let puts = requestsTo cachet "PUT" "/components"

        Expect.equal
            (puts |> List.map _.Path |> List.sort)
            (down |> List.map (fun id -> $"/api/v1/components/{id}") |> List.sort)
            "only the components that were down are written: every other adopted status was right"

        let reads = requestsTo cachet "GET" "/components"

        for listing in reads |> List.filter (fun r -> r.Path = "/api/v1/components") do
            Expect.equal listing.QueryString "?per_page=500&page=1" "one page of up to 500 components"

        return
            {
                Listings = reads |> List.filter (fun r -> r.Path = "/api/v1/components") |> List.length
                SingleReads = reads |> List.filter (fun r -> r.Path <> "/api/v1/components") |> List.length
            }
    }

let private scenarios =
    [
        for version in cachetVersions do
            testTask (
                onVersion
                    "an outage opens one incident and sets the status; recovery resolves it and restores the component"
                    version
            ) {
                let! (stage: Stage) = Stage.StartAsync(token, version)
                use _ = stage
                let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

                let yaml = stage.Config "CREATE_INCIDENT, UPDATE_STATUS"

                let! _ =
                    withMonitor dir yaml [ "--log-level"; "Trace" ] [] (fun running ->
                        task {
                            do! waitFor running "the first checks happen" (fun () -> target.Hits "/health" >= 2)
                            Expect.isEmpty (incidentsOf cachet api.Id) "no incident while healthy"
                            target.Set("/health", TargetBehaviour.WithStatus 503)

                            do!
                                waitFor running "the incident opens" (fun () ->
                                    not (incidentsOf cachet api.Id).IsEmpty)

                            do!
                                waitFor running "the component shows a partial outage" (fun () ->
                                    statusOf cachet api.Id = 3)

                            let opened = incidentsOf cachet api.Id |> List.exactlyOne
                            Expect.equal opened.Name "api is unavailable" "the outage title"
                            Expect.equal opened.Message "Unexpected HTTP status (503)" "the check's message"
                            target.Set("/health", TargetBehaviour.Ok())

                            do!
                                waitFor running "the incident is resolved" (fun () ->
                                    (incidentsOf cachet api.Id |> List.exactlyOne).Status = 4)

                            do!
                                waitFor running "the component is operational again" (fun () ->
                                    statusOf cachet api.Id = 1)

                            Expect.equal (incidentsOf cachet api.Id).Length 1 "exactly one incident"
                        })

                ()
            }

        testTask "allowed_fails 2: a two-check blip opens nothing, a long outage opens exactly one incident" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "api"
                            (target.Url "/health")
                            api.Id
                            (statusExpectation
                             @ [
                                 "allowed_fails: 2"
                                 "frequency: 0.5"
                                 "action: [UPDATE_STATUS, CREATE_INCIDENT]"
                             ])
                    ]
                    []
                |> fun y -> y.Replace("    frequency: 0.2\n", "")

            let! _ =
                withMonitor dir yaml [] [] (fun running ->
                    task {
                        do! waitFor running "checks start" (fun () -> target.Hits "/health" >= 1)
                        let before = target.Hits "/health"
                        target.Set("/health", TargetBehaviour.WithStatus 500)
                        do! waitFor running "two failing checks" (fun () -> target.Hits "/health" >= before + 2)
                        target.Set("/health", TargetBehaviour.Ok())
                        let after = target.Hits "/health"
                        do! waitFor running "passing again" (fun () -> target.Hits "/health" >= after + 2)
                        Expect.isEmpty (incidentsOf cachet api.Id) "a blip opens nothing"
                        Expect.equal (statusOf cachet api.Id) 1 "the status never changed"
                        target.Set("/health", TargetBehaviour.WithStatus 500)
                        do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
                        let opened = target.Hits "/health"
                        do! waitFor running "more failing checks" (fun () -> target.Hits "/health" >= opened + 3)
                        Expect.equal (incidentsOf cachet api.Id).Length 1 "exactly one incident"
                    })

            ()
        }

        testTask "latency over the threshold opens a performance incident" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            target.Set("/slow", TargetBehaviour.Delayed(TimeSpan.FromMilliseconds 300.0))

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "api"
                            (target.Url "/slow")
                            api.Id
                            [
                                "expectation:"
                                "  - type: LATENCY"
                                "    threshold: 0.1"
                                "action: [CREATE_INCIDENT, UPDATE_STATUS]"
                            ]
                    ]
                    []

            let! _ =
                withMonitor dir yaml [] [] (fun running ->
                    task {
                        do!
                            waitFor running "a performance incident" (fun () ->
                                not (incidentsOf cachet api.Id).IsEmpty)

                        do! waitFor running "status 2" (fun () -> statusOf cachet api.Id = 2)
                        let incident = incidentsOf cachet api.Id |> List.exactlyOne
                        Expect.equal incident.Name "api has degraded performance" "the performance title"

                        let measured =
                            Text.RegularExpressions.Regex.Match(
                                incident.Message,
                                @"^Latency above threshold: (\d+\.\d{4}) seconds$"
                            )

                        Expect.isTrue measured.Success $"the message format: {incident.Message}"

                        // The target's 300 ms is a Task.Delay on the runtime's coarse clock (ticks of up to 4 ms on
                        // Linux): it may end a few ms early, so "includes the delay" allows that much.
                        Expect.isGreaterThanOrEqual
                            (float measured.Groups[1].Value)
                            0.29
                            "the measured latency includes the target's delay"
                    })

            ()
        }

        testTask "a REGEX failure with incident MAJOR uses the custom message templates" {
            use dir = new TempDir()
            let! (target: TargetServer) = TargetServer.StartAsync()
            use _ = target
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet
            cachet.AddToken token
            let shop = cachet.AddComponent("shop", 1)
            target.Set("/page", TargetBehaviour.WithBody "<html><body>maintenance</body></html>")

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "shop"
                            (target.Url "/page")
                            shop.Id
                            [
                                "expectation:"
                                "  - type: REGEX"
                                "    regex: \"all systems go\""
                                "    incident: major"
                                "action: [CREATE_INCIDENT, UPDATE_STATUS]"
                            ]
                    ]
                    [
                        "messages:"
                        "  incident_outage: \"{name} ({component_id}) is down\""
                        "  incident_operational: \"{name} is back\""
                    ]

            let! _ =
                withMonitor dir yaml [] [] (fun running ->
                    task {
                        do! waitFor running "a major incident" (fun () -> not (incidentsOf cachet shop.Id).IsEmpty)
                        do! waitFor running "status 4" (fun () -> statusOf cachet shop.Id = 4)
                        let incident = incidentsOf cachet shop.Id |> List.exactlyOne
                        Expect.equal incident.Name $"shop ({shop.Id}) is down" "the custom outage title"
                        Expect.equal incident.Message "Regex did not match anything in the body" "the regex message"
                        target.Set("/page", TargetBehaviour.WithBody "<p>all systems go</p>")

                        do!
                            waitFor running "resolved with the custom operational title" (fun () ->
                                let i = incidentsOf cachet shop.Id |> List.exactlyOne
                                i.Status = 4 && i.Updates |> Seq.exists (fun u -> u.Message = "shop is back"))
                    })

            ()
        }

        for version in cachetVersions do
            testTask (
                onVersion "a severity change updates the open incident and the status; recovery resolves it" version
            ) {
                let! (stage: Stage) = Stage.StartAsync(token, version)
                use _ = stage
                let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

                let yaml =
                    config
                        cachet
                        [
                            endpoint
                                "api"
                                (target.Url "/health")
                                api.Id
                                (statusExpectation
                                 @ [ "on_unreachable: MAJOR"; "action: [CREATE_INCIDENT, UPDATE_STATUS]" ])
                        ]
                        []

                let! _ =
                    withMonitor dir yaml [] [] (fun running ->
                        task {
                            do! waitFor running "the first checks happen" (fun () -> target.Hits "/health" >= 2)
                            target.Set("/health", TargetBehaviour.WithStatus 503)

                            do!
                                waitFor running "a partial outage opens an incident" (fun () ->
                                    (incidentsOf cachet api.Id).Length = 1 && statusOf cachet api.Id = 3)

                            target.Set("/health", TargetBehaviour.Dropping())
                            do! waitFor running "the outage becomes major" (fun () -> statusOf cachet api.Id = 4)
                            let incident = incidentsOf cachet api.Id |> List.exactlyOne
                            Expect.equal incident.Status 1 "the same incident, still open"

                            do!
                                waitFor running "the change is on the incident's timeline" (fun () ->
                                    (incidentsOf cachet api.Id |> List.exactlyOne).Updates.Count = 1)

                            target.Set("/health", TargetBehaviour.Ok())

                            do!
                                waitFor running "the incident is resolved and the component operational" (fun () ->
                                    (incidentsOf cachet api.Id |> List.exactlyOne).Status = 4
                                    && statusOf cachet api.Id = 1)
                        })

                ()
            }

        for version in cachetVersions do
            testTask (
                onVersion
                    "an incident left open in Cachet is adopted at start-up and resolved, never duplicated"
                    version
            ) {
                let! (stage: Stage) = Stage.StartAsync(token, version, 3)
                use _ = stage
                let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
                let left = cachet.AddIncident("api is unavailable", 1, componentId = api.Id)

                let yaml = stage.Config "CREATE_INCIDENT, UPDATE_STATUS"

                let! _ =
                    withMonitor dir yaml [] [] (fun running ->
                        task {
                            do!
                                waitFor running "the adopted incident is resolved" (fun () ->
                                    (cachet.Incident left.Id |> nonNull).Status = 4)

                            do! waitFor running "the component is operational" (fun () -> statusOf cachet api.Id = 1)
                            Expect.equal (incidentsOf cachet api.Id).Length 1 "no second incident"
                            target.Set("/health", TargetBehaviour.WithStatus 503)

                            do!
                                waitFor running "a new outage opens a new incident" (fun () ->
                                    (incidentsOf cachet api.Id).Length = 2)
                        })

                ()
            }

        for version in cachetVersions do
            testTask (
                onVersion
                    "Cachet answering 500 during an outage: the state converges once it recovers, without duplicates"
                    version
            ) {
                let! (stage: Stage) = Stage.StartAsync(token, version)
                use _ = stage
                let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

                let yaml = stage.Config "CREATE_INCIDENT, UPDATE_STATUS"

                let! _ =
                    withMonitor dir yaml [] [] (fun running ->
                        task {
                            do! waitFor running "start-up reads done" (fun () -> target.Hits "/health" >= 2)
                            cachet.FailUntilCleared(CachetFault.Status 500, "POST")
                            cachet.FailUntilCleared(CachetFault.Status 500, "PUT")
                            target.Set("/health", TargetBehaviour.WithStatus 503)

                            do!
                                waitFor running "writes are being retried" (fun () ->
                                    cachet.Requests |> Seq.filter (fun r -> r.Method = "POST") |> Seq.length >= 2)

                            Expect.isEmpty (incidentsOf cachet api.Id) "nothing stored while Cachet fails"
                            cachet.ClearFaults()

                            do!
                                waitFor running "the incident arrives" (fun () ->
                                    not (incidentsOf cachet api.Id).IsEmpty)

                            do! waitFor running "the status arrives" (fun () -> statusOf cachet api.Id = 3)
                            do! Task.Delay 1000
                            Expect.equal (incidentsOf cachet api.Id).Length 1 "exactly one incident"
                        })

                ()
            }

        testTask "against Cachet 2.3 an incident is resolved with PUT /incidents/{id}" {
            let! (stage: Stage) = Stage.StartAsync(token, FakeCachetVersion.V23)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            target.Set("/health", TargetBehaviour.WithStatus 503)

            let yaml = stage.Config "CREATE_INCIDENT, UPDATE_STATUS"

            let! _ =
                withMonitor dir yaml [] [] (fun running ->
                    task {
                        do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
                        target.Set("/health", TargetBehaviour.Ok())

                        do!
                            waitFor running "resolved through the 2.3 fallback" (fun () ->
                                (incidentsOf cachet api.Id |> List.exactlyOne).Status = 4)

                        do! waitFor running "operational" (fun () -> statusOf cachet api.Id = 1)

                        Expect.isTrue
                            (cachet.Requests
                             |> Seq.exists (fun r -> r.Method = "PUT" && r.Path.StartsWith "/api/v1/incidents/"))
                            "used PUT /incidents/{id}"
                    })

            ()
        }

        testTask "webhooks fire once per incident event" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api

            let hook = target.Url "/hook"

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "api"
                            (target.Url "/health")
                            api.Id
                            (statusExpectation @ [ "action: [CREATE_INCIDENT]" ])
                    ]
                    [
                        "webhooks:"
                        $"  - url: \"{hook}/{{title}}\""
                        "    params:"
                        "      text: \"{message}\""
                        "      priority: 5"
                    ]

            let! _ =
                withMonitor dir yaml [] [] (fun running ->
                    task {
                        do! waitFor running "checks start" (fun () -> target.Hits "/health" >= 2)
                        target.Set("/health", TargetBehaviour.WithStatus 503)

                        do!
                            waitFor running "the opened hook" (fun () ->
                                target.AllHits |> Seq.exists (fun h -> h.Path.StartsWith "/hook"))

                        let failing = target.Hits "/health"
                        do! waitFor running "more failing checks" (fun () -> target.Hits "/health" >= failing + 3)
                        target.Set("/health", TargetBehaviour.Ok())

                        do!
                            waitFor running "resolved" (fun () ->
                                (incidentsOf cachet api.Id |> List.exactlyOne).Status = 4)

                        do! Task.Delay 600

                        let hooks =
                            target.AllHits |> Seq.filter (fun h -> h.Path.StartsWith "/hook") |> List.ofSeq

                        Expect.equal hooks.Length 2 $"one for opened, one for resolved: %A{hooks}"

                        Expect.equal
                            hooks[0].Path
                            "/hook/api is unavailable"
                            "the title in the path (the server decodes it)"

                        Expect.stringContains
                            hooks[0].QueryString
                            "text=Unexpected+HTTP+status+%28503%29"
                            "the message"

                        Expect.stringContains hooks[0].QueryString "priority=5" "a non-string param"
                        Expect.equal hooks[1].Path "/hook/api is operational" "the resolved title"

                        // Probes, webhooks and Cachet calls all name the tool (some targets refuse requests without).
                        for hit in target.AllHits do
                            Expect.stringStarts hit.Headers["User-Agent"] "cachet-monitor/" $"{hit.Path}: User-Agent"

                        for request in cachet.Requests do
                            Expect.stringStarts
                                (request.Header "User-Agent" |> Option.ofObj |> Option.defaultValue "")
                                "cachet-monitor/"
                                $"{request.Method} {request.Path}: User-Agent"
                    })

            ()
        }

        testTask "the token list falls back in order: an unset variable, then the literal" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            target.Set("/health", TargetBehaviour.WithStatus 503)

            let yaml =
                (config
                    cachet
                    [
                        endpoint "api" (target.Url "/health") api.Id (statusExpectation @ [ "action: [UPDATE_STATUS]" ])
                    ]
                    [])
                    .Replace(
                        $"  token: {token}",
                        String.Join(
                            "\n",
                            [
                                "  token:"
                                "    - type: ENVIRONMENT_VARIABLE"
                                "      value: E2E_UNSET_TOKEN"
                                "    - type: TOKEN"
                                $"      value: {token}"
                            ]
                        )
                    )

            let! (output: string) =
                withMonitor dir yaml [] [ "E2E_UNSET_TOKEN", null ] (fun running ->
                    task {
                        do! waitFor running "the write used the literal token" (fun () -> statusOf cachet api.Id = 3)

                        Expect.isTrue
                            (cachet.Requests
                             |> Seq.filter (fun r -> r.Method = "PUT")
                             |> Seq.forall (fun r -> r.Header "X-Cachet-Token" = token))
                            "writes carry the token"
                    })

            Expect.stringContains output "E2E_UNSET_TOKEN" "the skipped provider is named"
        }

        testTask "the token comes from AWS Secrets Manager when listed first" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            target.Set("/health", TargetBehaviour.WithStatus 503)

            let! (secrets: FakeSecretsManager) =
                FakeSecretsManager.StartAsync("AKIDE2E", "e2e-aws-secret-key")

            use _ = secrets
            secrets.PutSecretString("cachethq", $"{{\"token\":\"{token}\"}}")

            let yaml =
                (config
                    cachet
                    [
                        endpoint "api" (target.Url "/health") api.Id (statusExpectation @ [ "action: [UPDATE_STATUS]" ])
                    ]
                    [])
                    .Replace(
                        $"  token: {token}",
                        String.Join(
                            "\n",
                            [
                                "  token:"
                                "    - type: AWS_SECRETS_MANAGER"
                                "      secret_name: cachethq"
                                "      secret_key: token"
                                "      region: us-west-2"
                                "    - type: TOKEN"
                                "      value: wrong-token-never-used"
                            ]
                        )
                    )

            let env =
                [
                    "AWS_ACCESS_KEY_ID", "AKIDE2E"
                    "AWS_SECRET_ACCESS_KEY", "e2e-aws-secret-key"
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.Endpoint.ToString()
                ]

            let! (output: string) =
                withMonitor dir yaml [] env (fun running ->
                    task {
                        do! waitFor running "a write with the AWS token" (fun () -> statusOf cachet api.Id = 3)
                        Expect.isNonEmpty secrets.Requests "Secrets Manager was asked"
                        Expect.isTrue (secrets.Requests |> Seq.forall (fun r -> r.SignatureValid)) "signed requests"
                    })

            Expect.isFalse (output.Contains "e2e-aws-secret-key") "the AWS secret key is never printed"
        }

        testTask "an invalid config exits 2 naming every problem, and Cachet is never called" {
            use dir = new TempDir()
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "api"
                            "http://127.0.0.1:9/"
                            1
                            [
                                "expectation:"
                                "  - type: HTTP_STATUS"
                                "    status_range: 300-200"
                                "latency_unit: fortnights"
                                "action: [PUSH_METRICS]"
                                "metric_id: 3"
                            ]
                    ]
                    []

            let path = dir.Write("bad.yml", yaml)
            let! code, output = run [ path ] [] (seconds 30.0)
            Expect.equal code 2 "exit 2"
            Expect.stringContains output "endpoints[0].expectation[0].status_range" "the range"
            Expect.stringContains output "endpoints[0].latency_unit" "the unit"
            Expect.isEmpty cachet.Requests "Cachet untouched"
            Expect.isFalse (output.Contains token) "no token"
        }

        testTask "a component missing in Cachet stops the daemon at start-up with exit 1" {
            use dir = new TempDir()
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet
            cachet.AddToken token

            let yaml =
                config
                    cachet
                    [
                        endpoint "api" "http://127.0.0.1:9/" 4242 (statusExpectation @ [ "action: [UPDATE_STATUS]" ])
                    ]
                    []

            let path = dir.Write("config.yml", yaml)
            let! code, output = run [ path ] [] (seconds 30.0)
            Expect.equal code 1 $"exit 1\n{output}"
            Expect.stringContains output "4242" "names the component"
            Expect.isFalse (output.Contains token) "no token"
        }

        testTask "no token from any provider exits 1 naming each reason" {
            use dir = new TempDir()
            let! (cachet: FakeCachet) = FakeCachet.StartAsync()
            use _ = cachet

            let yaml =
                (config cachet [ endpoint "api" "http://127.0.0.1:9/" 1 statusExpectation ] [])
                    .Replace(
                        $"  token: {token}",
                        "  token:\n    - type: ENVIRONMENT_VARIABLE\n      value: E2E_NOPE_1\n    - type: ENVIRONMENT_VARIABLE\n      value: E2E_NOPE_2"
                    )

            let path = dir.Write("config.yml", yaml)

            let! code, output =
                run [ path ] [ "E2E_NOPE_1", null; "E2E_NOPE_2", null ] (seconds 30.0)

            Expect.equal code 1 "exit 1"
            Expect.stringContains output "[1] ENVIRONMENT_VARIABLE" "the first reason"
            Expect.stringContains output "[2] ENVIRONMENT_VARIABLE" "the second reason"
            Expect.isEmpty cachet.Requests "Cachet untouched"
        }

        testTask "a ${VAR} secret in the URL is masked in the incident Cachet publishes and in the webhook" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let dir, target, cachet, api = stage.Dir, stage.Target, stage.Cachet, stage.Api
            let port = freePort ()
            let hook = target.Url "/hook"

            let yaml =
                config
                    cachet
                    [
                        endpoint
                            "api"
                            $"http://127.0.0.1:{port}/health?key=${{E2E_URL_KEY}}"
                            api.Id
                            (statusExpectation @ [ "action: [CREATE_INCIDENT]" ])
                    ]
                    [
                        "webhooks:"
                        $"  - url: \"{hook}\""
                        "    params:"
                        "      text: \"{message}\""
                    ]

            let! _ =
                withMonitor dir yaml [] [ "E2E_URL_KEY", "url-secret-5150" ] (fun running ->
                    task {
                        do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
                        do! waitFor running "the webhook fires" (fun () -> target.Hits "/hook" >= 1)
                        let incident = incidentsOf cachet api.Id |> List.exactlyOne
                        Expect.stringContains incident.Message "key=***" "masked in the published message"
                        Expect.isFalse (incident.Message.Contains "url-secret-5150") "the secret is not published"
                        let sent = (target.HitLog "/hook" |> Seq.head).QueryString
                        Expect.isFalse (sent.Contains "url-secret-5150") "nor sent to the webhook"
                        Expect.isFalse (running.Output.Contains "url-secret-5150") "nor logged"
                    })

            ()
        }

        testTask "a dry run needs no Cachet and logs the writes it would make" {
            use dir = new TempDir()

            let yaml =
                "endpoints:\n"
                + endpoint
                    "down"
                    "http://127.0.0.1:9/"
                    7
                    (statusExpectation @ [ "action: [CREATE_INCIDENT, UPDATE_STATUS]" ])
                + "\ncachet:\n  api_url: http://127.0.0.1:9/api/v1\n  token: dry-run-token-0000\n"

            let path = dir.Write("config.yml", yaml)
            use running = start [ "run"; path; "--dry-run" ] []

            do!
                waitFor running "the would-be incident is logged" (fun () ->
                    running.Output.Contains "[dry run] would POST /incidents")

            running.Signal SIGINT
            let! code = running.WaitForExit(seconds 10.0)
            Expect.equal code (Some 0) "SIGINT exits 0"
            Expect.stringContains running.Output "The URL is unreachable: GET http://127.0.0.1:9/" "the message"

            let incidentLine =
                running.Output.Split '\n'
                |> Array.find (fun line -> line.Contains "[dry run] would POST /incidents")

            // The original's sentence only: the transport error is for the operator's log, not the public page.
            Expect.isFalse
                (incidentLine.Contains "127.0.0.1:9/ (")
                $"no transport detail in the incident: {incidentLine}"

            Expect.stringContains running.Output "down is unreachable: " "the transport error is logged"
            Expect.isFalse (running.Output.Contains "dry-run-token-0000") "no token"
            // Only the stand-in's "[dry run] would …" lines speak of writes; none reads as if Cachet was written.
            Expect.isFalse (running.Output.Contains "Cachet: opened incident") "no line claims an incident was opened"
            Expect.isFalse (running.Output.Contains "status set to") "no line claims a status was set"
        }

        testTask "with many endpoints start-up lists the components in pages instead of reading each" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let! (outcome: ListedStart) = startWithMany stage false
            Expect.equal outcome.Listings 1 "one page of components (per_page=500)"
            Expect.equal outcome.SingleReads 0 "no component read one by one"
        }

        testTask "a failing listing falls back to reading each component, with the same outcome" {
            let! (stage: Stage) = Stage.StartAsync(token)
            use _ = stage
            let! (outcome: ListedStart) = startWithMany stage true
            Expect.equal outcome.Listings 1 "the listing was tried once"
            Expect.isGreaterThanOrEqual outcome.SingleReads manyEndpoints "then every component was read"
        }
    ]

[<Tests>]
let tests = testSequenced (testList "end to end" scenarios)
