/// The probes of tcp://, tls://, dns:// URLs and the certificate and JSON expectations, against real servers on
/// 127.0.0.1 started in each test (issue #13 items 1–4).
module CachetMonitor.Tests.Host.CheckProbeTests

open System
open System.Threading
open Expecto
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Probing
open CachetMonitor.Tests.Support

/// An endpoint parsed from config lines (its url, method, expectations…), as a user would write it.
let endpointOf (lines: string list) =
    let timeout =
        if lines |> List.exists (fun l -> l.StartsWith "timeout:") then
            []
        else
            [ "    timeout: 2" ]

    let text =
        [ "endpoints:"; "  - name: probe"; "    frequency: 1"; "    component_id: 1" ]
        @ timeout
        @ (lines |> List.map (fun l -> "    " + l))
        @ [ "cachet:"; "  api_url: http://127.0.0.1:1/api/v1"; "  token: t" ]
        |> String.concat "\n"

    (ConfigText.validConfig text).Endpoints.Head

/// Probes once and judges the observation as the daemon does.
let checkOnce (endpoint: Endpoint) : Threading.Tasks.Task<Observation * Verdict> =
    task {
        use http = new HttpProber(ProbeOptions())
        use probers = new Probers(http)
        let! observation = probers.ProbeAsync(endpoint, CancellationToken.None)
        return observation, Monitor.evaluate endpoint observation
    }

let private unreachable (observation: Observation) =
    match observation with
    | Unreachable _ -> true
    | _ -> false

let private failure verdict =
    match verdict with
    | Failed failure -> failure
    | Passed _ -> failtest "expected the check to fail"

let private passes verdict what =
    match verdict with
    | Passed _ -> ()
    | Failed failure -> failtest $"%s{what}: %s{failure.Message}"

let private tcpTests =
    testList
        "tcp://"
        [
            testTask "an open port passes with the connect time; a closed one is unreachable, named by its URL" {
                use server = FakeTcpServer.Start()

                let! observation, verdict =
                    checkOnce (endpointOf [ $"url: tcp://127.0.0.1:{server.Port}" ])

                match observation with
                | Responded response ->
                    Expect.equal response.StatusCode None "no HTTP status"
                    Expect.isLessThan response.LatencySeconds 1.0 "the connect time"
                | other -> failtest $"%A{other}"

                passes verdict "open"
                Expect.equal server.Connections 1 "one connection"
                let closed = FakeTcpServer.ClosedPort()

                let! observation, verdict =
                    checkOnce (endpointOf [ $"url: tcp://127.0.0.1:{closed}" ])

                Expect.isTrue (unreachable observation) $"%A{observation}"
                let failed = failure verdict
                Expect.equal failed.Message $"The URL is unreachable: tcp://127.0.0.1:{closed}" "the message"
                Expect.equal failed.Severity Partial "on_unreachable"
            }

            testTask "expect reads the banner: a matching one passes, another fails showing it" {
                use server = FakeTcpServer.Start()
                server.Banner <- "220 mail.test ESMTP ready\r\n"
                let url = $"url: tcp://127.0.0.1:{server.Port}"
                let! _, verdict = checkOnce (endpointOf [ url; "expect: '^220 '" ])
                passes verdict "SMTP banner"
                let! _, verdict = checkOnce (endpointOf [ url; "expect: '^\\+OK'" ])

                Expect.equal
                    (failure verdict).Message
                    "The server's first bytes did not match expect (got \"220 mail.test ESMTP ready\")"
                    "the banner"
            }

            testTask "send writes first and expect reads the answer (a Redis PING)" {
                use server = FakeTcpServer.Start()

                server.Reply <-
                    fun text ->
                        if text = "PING\r\n" then
                            "+PONG\r\n"
                        else
                            "-ERR unknown command\r\n"

                let url = $"url: tcp://127.0.0.1:{server.Port}"

                let! _, verdict =
                    checkOnce (endpointOf [ url; "send: \"PING\\r\\n\""; "expect: '^\\+PONG'" ])

                passes verdict "PONG"

                let! _, verdict =
                    checkOnce (endpointOf [ url; "send: \"PONG\\r\\n\""; "expect: '^\\+PONG'" ])

                Expect.stringContains (failure verdict).Message "-ERR unknown command" "the server's answer"
            }

            testTask "a server that never answers times out at the endpoint's timeout" {
                use server = FakeTcpServer.Start()
                let started = Diagnostics.Stopwatch.StartNew()

                let! observation, verdict =
                    checkOnce (endpointOf [ $"url: tcp://127.0.0.1:{server.Port}"; "timeout: 0.3"; "expect: '^220'" ])

                Expect.equal observation TimedOut "timed out"
                Expect.equal (failure verdict).Message "Request timed out" "the message"
                Expect.isGreaterThanOrEqual started.Elapsed.TotalSeconds 0.29 "not before the timeout"
                Expect.isLessThan started.Elapsed.TotalSeconds 2.0 "not long after it"
            }
        ]

let private certificateExpiringIn (days: float) =
    TestCertificates.SelfSigned("CN=expiring.test", DateTimeOffset.UtcNow.AddDays days)

/// Disposes at the end of a test task (whose `use` takes async disposables).
let private disposing (resource: IDisposable) =
    { new IAsyncDisposable with
        member _.DisposeAsync() =
            resource.Dispose()
            Threading.Tasks.ValueTask.CompletedTask
    }

let private tlsTests =
    testList
        "certificates"
        [
            testTask "tls:// with a certificate expiring in 3 days: threshold 14 fails (PERFORMANCE), 1 passes" {
                let certificate = certificateExpiringIn 3.0
                use _ = disposing certificate
                use server = FakeTcpServer.Start(certificate)
                let url = $"url: tls://127.0.0.1:{server.Port}"

                let! observation, verdict =
                    checkOnce (
                        endpointOf
                            [
                                url
                                "insecure: true"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 14}]"
                            ]
                    )

                match observation with
                | Responded { Certificate = Some seen } ->
                    Expect.equal seen.Subject "CN=expiring.test" "the leaf's subject"
                    Expect.floatClose Accuracy.low (Certificate.daysLeft seen) 3.0 "about 3 days"
                | other -> failtest $"%A{other}"

                let failed = failure verdict
                Expect.equal failed.Severity Performance "default PERFORMANCE"
                let date = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm")

                Expect.equal
                    failed.Message
                    $"Certificate CN=expiring.test expires on {date} UTC, in 2 day(s) (threshold 14)"
                    "the date and the subject"

                let! _, verdict =
                    checkOnce (
                        endpointOf
                            [
                                url
                                "insecure: true"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 1}]"
                            ]
                    )

                passes verdict "threshold 1"
            }

            testTask "without insecure an untrusted certificate is unreachable, not a pass" {
                let certificate = certificateExpiringIn 30.0
                use _ = disposing certificate
                use server = FakeTcpServer.Start(certificate)

                let! observation, verdict =
                    checkOnce (
                        endpointOf
                            [
                                $"url: tls://127.0.0.1:{server.Port}"
                                "expectation: [{type: CERTIFICATE_EXPIRATION, threshold: 1}]"
                            ]
                    )

                Expect.isTrue (unreachable observation) $"%A{observation}"
                Expect.stringStarts (failure verdict).Message "The URL is unreachable: tls://" "the message"
            }

            testTask "https:// reads the certificate too (insecure: true), next to the HTTP status" {
                let certificate = certificateExpiringIn 3.0
                use _ = disposing certificate
                let! (target: TargetServer) = TargetServer.StartAsync(certificate)
                use _ = target

                let url = target.Url "/health"

                let! observation, verdict =
                    checkOnce (
                        endpointOf
                            [
                                $"url: {url}"
                                "method: GET"
                                "insecure: true"
                                "expectation:"
                                "  - {type: HTTP_STATUS, status_range: 200}"
                                "  - {type: CERTIFICATE_EXPIRATION, threshold: 14}"
                            ]
                    )

                match observation with
                | Responded response ->
                    Expect.equal response.StatusCode (Some 200) "the status"
                    Expect.isSome response.Certificate "the certificate"
                | other -> failtest $"%A{other}"

                Expect.stringStarts (failure verdict).Message "Certificate CN=expiring.test expires on " "message"
            }
        ]

let private jsonTests =
    testList
        "JSON"
        [
            testTask "an actuator health document: pass, fail, missing path, not JSON" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                target.Set(
                    "/actuator/health",
                    TargetBehaviour.WithBody(
                        """{"status":"UP","components":{"db":{"status":"DOWN"},"ping":{"status":"UP"}}}""",
                        "application/json"
                    )
                )

                target.Set("/page", TargetBehaviour.Ok())

                let jsonCheck (path: string) (expected: string) url =
                    endpointOf
                        [
                            $"url: {url}"
                            "method: GET"
                            $"expectation: [{{type: JSON, path: '{path}', value: {expected}}}]"
                        ]

                let health = target.Url "/actuator/health"
                let! _, verdict = checkOnce (jsonCheck "components.ping.status" "UP" health)
                passes verdict "ping is UP"
                let! _, verdict = checkOnce (jsonCheck "components.db.status" "UP" health)

                Expect.equal
                    (failure verdict).Message
                    "JSON components.db.status is \"DOWN\", expected \"UP\""
                    "db is DOWN"

                let! _, verdict = checkOnce (jsonCheck "components.cache.status" "UP" health)

                Expect.equal
                    (failure verdict).Message
                    "The JSON body has no components.cache.status (only components)"
                    "missing path"

                let! _, verdict = checkOnce (jsonCheck "status" "UP" (target.Url "/page"))
                Expect.stringStarts (failure verdict).Message "The body is not JSON (" "an HTML page"
            }
        ]

let private dnsTests =
    testList
        "dns://"
        [
            testTask "A, AAAA, CNAME, MX and TXT answers are matched; NXDOMAIN and SERVFAIL fail with that word" {
                use dns = FakeDnsServer.Start()
                dns.Answer("shop.test", "A", "192.0.2.10", "192.0.2.11")
                dns.Answer("shop.test", "AAAA", "2001:db8::10")
                dns.Answer("www.shop.test", "CNAME", "edge.cdn.test")
                dns.Answer("shop.test", "MX", "10 mail.shop.test")
                dns.Answer("shop.test", "TXT", "v=spf1 -all")
                dns.FailWithServerFailure "broken.test"

                let dnsCheck (name: string) (recordType: string) (expectation: string) =
                    endpointOf
                        [
                            $"url: dns://127.0.0.1:{dns.Port}/{name}?type={recordType}"
                            $"expectation: [{{type: DNS_ANSWER, {expectation}}}]"
                        ]

                for name, recordType, expectation in
                    [
                        "shop.test", "A", "value: 192.0.2.11"
                        "shop.test", "AAAA", "value: '2001:db8::10'"
                        "www.shop.test", "CNAME", "value: edge.cdn.test"
                        "shop.test", "MX", "value: 10 mail.shop.test"
                        "shop.test", "TXT", "regex: '^v=spf1'"
                    ] do
                    let! observation, verdict = checkOnce (dnsCheck name recordType expectation)
                    passes verdict $"%s{recordType} {observation}"

                let! _, verdict = checkOnce (dnsCheck "shop.test" "A" "value: 192.0.2.99")

                Expect.equal
                    (failure verdict).Message
                    "DNS answer for shop.test did not match: 192.0.2.10, 192.0.2.11"
                    "the answers"

                let! _, verdict = checkOnce (dnsCheck "missing.test" "A" "value: 192.0.2.10")
                Expect.equal (failure verdict).Message "DNS lookup of missing.test failed: NXDOMAIN" "NXDOMAIN"
                let! _, verdict = checkOnce (dnsCheck "broken.test" "A" "value: 192.0.2.10")
                Expect.equal (failure verdict).Message "DNS lookup of broken.test failed: SERVFAIL" "SERVFAIL"
                Expect.isGreaterThanOrEqual dns.Questions 8 "every check asked the fake"
            }

            testTask "a resolver that never answers times out" {
                // A UDP port with a socket bound but nobody answering: the question goes unanswered.
                let silent = new Net.Sockets.UdpClient(Net.IPEndPoint(Net.IPAddress.Loopback, 0))
                use _ = disposing silent
                let port = (silent.Client.LocalEndPoint |> nonNull :?> Net.IPEndPoint).Port

                let! observation, verdict =
                    checkOnce (endpointOf [ $"url: dns://127.0.0.1:{port}/shop.test"; "timeout: 0.3" ])

                Expect.equal observation TimedOut $"%A{observation}"
                Expect.equal (failure verdict).Message "Request timed out" "the message"
            }
        ]

[<Tests>]
let tests = testList "check probes" [ tcpTests; tlsTests; jsonTests; dnsTests ]
