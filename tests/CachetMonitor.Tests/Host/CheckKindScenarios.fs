/// One end-to-end scenario per check kind beyond HTTP (issue #13 items 1–4): the real executable checks a target
/// on 127.0.0.1, its component goes down in the fake Cachet with the check's message, and recovers.
module CachetMonitor.Tests.Host.CheckKindScenarios

open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support.MonitorProcess
open System

/// The fake Cachet's token in these scenarios (never in the output).
let private token = "kinds-secret-token-2718"

/// One kind's scenario: the endpoint's URL and lines, how often the target was asked, how to break and mend it, the
/// status the failure shows and a check of the incident's message.
type private Kind =
    {
        Url: string
        Lines: string list
        Asked: unit -> int
        Break: unit -> unit
        Mend: unit -> unit
        DownStatus: int
        Message: string -> unit
    }

let private runScenario (stage: Stage) (kind: Kind) =
    task {
        let cachet, api = stage.Cachet, stage.Api

        let yaml =
            config
                cachet.BaseUrl
                token
                [
                    endpointYaml "api" kind.Url api.Id (kind.Lines @ [ "action: [UPDATE_STATUS, CREATE_INCIDENT]" ])
                ]
                []

        let path = stage.Dir.Write("config.yml", yaml)
        use running = start [ "run"; path ] []
        do! waitFor running "the first checks happen" (fun () -> kind.Asked() >= 2)
        Expect.isEmpty (incidentsOf cachet api.Id) "no incident while healthy"
        kind.Break()
        do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
        do! waitFor running "the component shows the failure" (fun () -> statusOf cachet api.Id = kind.DownStatus)
        let opened = incidentsOf cachet api.Id |> List.exactlyOne

        let title =
            if kind.DownStatus = 2 then
                "api has degraded performance"
            else
                "api is unavailable"

        Expect.equal opened.Name title "the incident's title"
        kind.Message opened.Message
        kind.Mend()

        do!
            waitFor running "the incident is resolved" (fun () ->
                (incidentsOf cachet api.Id |> List.exactlyOne).Status = 4)

        do! waitFor running "the component is operational again" (fun () -> statusOf cachet api.Id = 1)
        running.Signal SIGTERM
        let! code = running.WaitForExit(seconds 10.0)
        Expect.equal code (Some 0) $"SIGTERM exits 0\n{running.Output}"
        Expect.isFalse (running.Output.Contains token) "the token never appears in the output"
    }

let private withStage (body: Stage -> Threading.Tasks.Task<unit>) =
    task {
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        do! body stage
    }

let private scenarios =
    [
        testTask "tcp://: a banner that stops matching expect opens an incident with the bytes seen; it recovers" {
            use server = FakeTcpServer.Start()
            server.Banner <- "220 mail.test ESMTP\r\n"

            do!
                withStage (fun stage ->
                    runScenario
                        stage
                        {
                            Url = $"tcp://127.0.0.1:{server.Port}"
                            Lines = [ "expect: '^220 '" ]
                            Asked = fun () -> server.Connections
                            Break = fun () -> server.Banner <- "554 no service\r\n"
                            Mend = fun () -> server.Banner <- "220 mail.test ESMTP\r\n"
                            DownStatus = 3
                            Message =
                                fun message ->
                                    Expect.equal
                                        message
                                        "The server's first bytes did not match expect (got \"554 no service\")"
                                        "the message"
                        })
        }

        testTask
            "tls://: a certificate expiring in 3 days against threshold 14 is a performance incident; a renewed one recovers" {
            let lasting =
                TestCertificates.SelfSigned("CN=mail.test", DateTimeOffset.UtcNow.AddDays 90.0)

            let expiring =
                TestCertificates.SelfSigned("CN=mail.test", DateTimeOffset.UtcNow.AddDays 3.0)

            use server = FakeTcpServer.Start(lasting)

            do!
                withStage (fun stage ->
                    runScenario
                        stage
                        {
                            Url = $"tls://127.0.0.1:{server.Port}"
                            Lines =
                                [
                                    "insecure: true"
                                    "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 14}]"
                                ]
                            Asked = fun () -> server.Connections
                            Break = fun () -> server.Certificate <- expiring
                            Mend = fun () -> server.Certificate <- lasting
                            DownStatus = 2
                            Message =
                                fun message ->
                                    let date = expiring.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm")

                                    Expect.equal
                                        message
                                        $"Certificate CN=mail.test expires on {date} UTC, in 2 day(s) (threshold 14)"
                                        "names the date and the subject"
                        })

            lasting.Dispose()
            expiring.Dispose()
        }

        testTask "JSON: an actuator health document turning DOWN opens an incident naming the path; UP recovers" {
            do!
                withStage (fun stage ->
                    let target = stage.Target
                    let up = """{"status":"UP","components":{"db":{"status":"UP"}}}"""
                    target.Set("/actuator/health", TargetBehaviour.WithBody(up, "application/json"))

                    runScenario
                        stage
                        {
                            Url = target.Url "/actuator/health"
                            Lines = [ "expectation: [{type: JSON, path: components.db.status, value: UP}]" ]
                            Asked = fun () -> target.Hits "/actuator/health"
                            Break =
                                fun () ->
                                    target.Set(
                                        "/actuator/health",
                                        TargetBehaviour.WithBody(
                                            up.Replace("\"db\":{\"status\":\"UP\"", "\"db\":{\"status\":\"DOWN\""),
                                            "application/json"
                                        )
                                    )
                            Mend =
                                fun () ->
                                    target.Set("/actuator/health", TargetBehaviour.WithBody(up, "application/json"))
                            DownStatus = 3
                            Message =
                                fun message ->
                                    Expect.equal
                                        message
                                        "JSON components.db.status is \"DOWN\", expected \"UP\""
                                        "the path and the values"
                        })
        }

        testTask "dns://: a name turning NXDOMAIN opens an incident saying NXDOMAIN; answering again recovers" {
            use dns = FakeDnsServer.Start()
            dns.Answer("shop.test", "A", "192.0.2.10")

            do!
                withStage (fun stage ->
                    runScenario
                        stage
                        {
                            Url = $"dns://127.0.0.1:{dns.Port}/shop.test?type=A"
                            Lines = [ "expectation: [{type: DNS_ANSWER, value: 192.0.2.10}]" ]
                            Asked = fun () -> dns.Questions
                            Break = fun () -> dns.Forget "shop.test"
                            Mend = fun () -> dns.Answer("shop.test", "A", "192.0.2.10")
                            DownStatus = 3
                            Message =
                                fun message ->
                                    Expect.equal message "DNS lookup of shop.test failed: NXDOMAIN" "the word"
                        })
        }
    ]

/// `check --json` probes every kind once and shows what each saw.
let private checkCommand =
    testTask "check --json shows every kind: verdict, message and what the check saw" {
        let certificate =
            TestCertificates.SelfSigned("CN=imap.test", DateTimeOffset.UtcNow.AddDays 40.0)

        use tls = FakeTcpServer.Start(certificate)
        use tcp = FakeTcpServer.Start()
        tcp.Banner <- "+OK ready\r\n"
        use dns = FakeDnsServer.Start()
        dns.Answer("shop.test", "MX", "10 mail.shop.test")
        use dir = new TempDir()

        let endpoint name url lines = endpointYaml name url 1 lines

        let yaml =
            config
                "http://127.0.0.1:1/api/v1"
                token
                [
                    endpoint "pop" $"tcp://127.0.0.1:{tcp.Port}" [ "expect: '^\\+OK'" ]
                    endpoint
                        "imap"
                        $"tls://127.0.0.1:{tls.Port}"
                        [
                            "insecure: true"
                            "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 30}]"
                        ]
                    endpoint
                        "mx"
                        $"dns://127.0.0.1:{dns.Port}/shop.test?type=MX"
                        [ "expectation: [{type: DNS_ANSWER, value: 10 mail.shop.test}]" ]
                    endpoint "gone" $"dns://127.0.0.1:{dns.Port}/gone.test" []
                ]
                []

        let path = dir.Write("config.yml", yaml)

        let! (code: int), (output: string) =
            run [ "check"; path; "--json" ] [] (seconds 30.0)

        Expect.equal code 1 $"one check fails\n{output}"
        let document = Text.Json.JsonDocument.Parse(output.Substring(output.IndexOf '['))

        let rows =
            [
                for row: Text.Json.JsonElement in document.RootElement.EnumerateArray() ->
                    string (row.GetProperty("endpoint").GetString()),
                    (row.GetProperty("verdict").GetString(),
                     row.GetProperty("message").GetString(),
                     row.GetProperty("detail").ToString())
            ]
            |> Map.ofList

        document.Dispose()
        // (endpoint, verdict, the detail's start): what a passing check of each kind shows.
        for name, detail in
            [
                "pop", "received \"+OK ready\""
                "imap", "certificate CN=imap.test expires "
                "mx", "NOERROR shop.test: MX 10 mail.shop.test"
            ] do
            let verdict, _, shown = rows[name]
            Expect.equal verdict "pass" name
            Expect.stringStarts shown detail name

        Expect.equal
            rows["gone"]
            ("fail (PARTIAL)", "DNS lookup of gone.test failed: NXDOMAIN", "NXDOMAIN gone.test")
            "NXDOMAIN fails with that word"

        certificate.Dispose()
    }

[<Tests>]
let tests =
    testSequenced (testList "check kinds end to end" (scenarios @ [ checkCommand ]))
