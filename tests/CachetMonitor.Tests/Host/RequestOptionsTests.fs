/// The request options on 127.0.0.1: a CA trusted only through `ca_file`, a target that requires a client
/// certificate, a proxy (`proxy:` and `HTTP_PROXY`/`NO_PROXY`), `follow_redirects`, the files checked at load, the
/// Cachet client's TLS files, and an incident message template end to end.
module CachetMonitor.Tests.Host.RequestOptionsTests

open System
open System.IO
open System.Net.Http
open Expecto
open Microsoft.Extensions.DependencyInjection
open CachetMonitor.Host.Hosting
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Configuration
open CachetMonitor.Host.Probing
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support.RequestTargets
open CachetMonitor.Tests.Support

let private probe (endpoint: Endpoint) =
    task {
        use prober = new HttpProber(ProbeOptions())
        return! prober.ProbeAsync(endpoint, Threading.CancellationToken.None)
    }

/// An endpoint probing `url` with these extra lines; 10 s allowed, so a slow machine's handshake is no failure.
let private endpointFor (url: string) (extra: string list) =
    let yaml =
        config
            "http://127.0.0.1:1/api/v1"
            "t"
            [ endpointYaml "api" url 1 (statusExpectation @ [ "timeout: 10" ] @ extra) ]
            []

    (ConfigText.validConfig yaml).Endpoints.Head

let private statusOf observation =
    match observation with
    | Responded response -> response.StatusCode
    | TimedOut
    | Unreachable _ -> None

/// A CA, a server certificate it issued for 127.0.0.1, and a client certificate it issued, all as PEM files.
type private Pki(dir: TempDir) =
    let ca = newCa "cachet-monitor test CA"
    let server = issue ca "127.0.0.1" true
    let client = issue ca "cachet-monitor" false
    let caFile, _ = writePem dir.Path "ca" ca
    let clientCertificate, clientKey = writePem dir.Path "client" client
    member _.Ca = ca
    member _.Server = server
    member _.CaFile = caFile
    member _.ClientCertificate = clientCertificate
    member _.ClientKey = clientKey

/// The load errors of a config with one endpoint with these extra lines.
let private loadErrors (dir: TempDir) (extra: string list) =
    let yaml =
        config
            "http://127.0.0.1:1/api/v1"
            "t"
            [ endpointYaml "api" "http://127.0.0.1:1/" 1 (statusExpectation @ extra) ]
            []

    let loaded = ConfigLoader.Load(dir.Write("config.yml", yaml), (fun _ -> null))
    loaded.Errors |> List.ofSeq

/// A config for `check` in `dir`: endpoint "api" probing the target's `/health` (10 s allowed), `tail` lines after.
let private checkConfig (dir: TempDir) (target: TargetServer) (tail: string list) =
    let endpoints =
        [
            endpointYaml "api" (target.Url "/health") 1 (statusExpectation @ [ "timeout: 10" ])
        ]

    dir.Write("config.yml", config "http://127.0.0.1:1/api/v1" "t" endpoints tail)

/// The environment of a child without any proxy variable of the parent (the lower-case ones win in .NET).
let private noProxyVariables =
    [
        "http_proxy"
        "https_proxy"
        "no_proxy"
        "all_proxy"
        "HTTP_PROXY"
        "HTTPS_PROXY"
        "NO_PROXY"
        "ALL_PROXY"
    ]
    |> List.map (fun name -> name, (null: string | null))

[<Tests>]
let tests =
    testList
        "request options"
        [
            testTask "a target signed by a private CA passes with ca_file and is unreachable without it" {
                use dir = new TempDir()
                let pki = Pki dir
                use target = new TlsTarget(pki.Server, None)

                let! trusted = probe (endpointFor (target.Url "/") [ $"ca_file: {pki.CaFile}" ])

                Expect.equal (statusOf trusted) (Some 200) "trusted through ca_file"
                let! untrusted = probe (endpointFor (target.Url "/") [])

                match untrusted with
                | Unreachable _ -> ()
                | other -> failtest $"the system store does not know the test CA: %A{other}"
            }
            testTask "a target that requires a client certificate gets one from client_certificate and client_key" {
                use dir = new TempDir()
                let pki = Pki dir
                use target = new TlsTarget(pki.Server, Some pki.Ca)

                let! withCertificate =
                    probe (
                        endpointFor
                            (target.Url "/")
                            [
                                $"ca_file: {pki.CaFile}"
                                $"client_certificate: {pki.ClientCertificate}"
                                $"client_key: {pki.ClientKey}"
                            ]
                    )

                Expect.equal (statusOf withCertificate) (Some 200) "mutual TLS"
                Expect.equal target.ClientCertificates 1 "the certificate was presented"

                let! without = probe (endpointFor (target.Url "/") [ $"ca_file: {pki.CaFile}" ])

                Expect.equal (statusOf without) None "refused without a client certificate"
                Expect.equal target.Served 1 "only the request with a certificate was served"
            }
            testTask "proxy: sends the request through the proxy; an endpoint without it goes direct" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                use proxy = new CountingProxy()

                let! proxied = probe (endpointFor (target.Url "/via") [ $"proxy: {proxy.Url}" ])

                Expect.equal (statusOf proxied) (Some 200) "answered through the proxy"
                Expect.equal proxy.Forwarded 1 "the proxy forwarded it"
                Expect.equal (target.Hits "/via") 1 "the target saw it"
                let! direct = probe (endpointFor (target.Url "/direct") [])
                Expect.equal (statusOf direct) (Some 200) "direct"
                Expect.equal proxy.Forwarded 1 "not through the proxy"
            }
            testTask "HTTP_PROXY is honoured by default and NO_PROXY bypasses it (check, in a child process)" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                use proxy = new CountingProxy()
                use dir = new TempDir()

                let path = checkConfig dir target []

                let! code, output =
                    run [ "check"; path ] (noProxyVariables @ [ "HTTP_PROXY", proxy.Url ]) (seconds 60.0)

                Expect.equal code 0 $"passes through the proxy\n{output}"
                // The check and the warm-up request (to the monitor's own listener) both go through it.
                let viaProxy = proxy.Forwarded
                Expect.isGreaterThanOrEqual viaProxy 1 "HTTP_PROXY was used"
                Expect.equal (target.Hits "/health") 1 "the check reached the target through it"

                let! code, output =
                    run
                        [ "check"; path ]
                        (noProxyVariables @ [ "HTTP_PROXY", proxy.Url; "NO_PROXY", "127.0.0.1" ])
                        (seconds 60.0)

                Expect.equal code 0 $"passes directly\n{output}"
                Expect.equal proxy.Forwarded viaProxy "NO_PROXY bypassed the proxy"
                Expect.equal (target.Hits "/health") 2 "both checks reached the target"
            }
            testTask "follow_redirects: false makes the 3xx the observed status" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/moved", TargetBehaviour.Redirect(target.Url "/here", 301))
                let! followed = probe (endpointFor (target.Url "/moved") [])
                Expect.equal (statusOf followed) (Some 200) "followed by default"

                let! kept = probe (endpointFor (target.Url "/moved") [ "follow_redirects: false" ])

                Expect.equal (statusOf kept) (Some 301) "the redirect itself"
                Expect.equal (target.Hits "/here") 1 "only the default followed it"
            }
            test "files that cannot be used are load errors naming the key and its line, never their content" {
                use dir = new TempDir()
                let pki = Pki dir
                let garbage = dir.Write("garbage.pem", "not a certificate")

                Expect.equal
                    (loadErrors dir [ "ca_file: /nonexistent/ca.pem" ])
                    [
                        "endpoints[0].ca_file (line 11, col 14): cannot use \"/nonexistent/ca.pem\": Could not find a part of the path '/nonexistent/ca.pem'."
                    ]
                    "a missing file"

                Expect.equal
                    (loadErrors dir [ $"ca_file: {garbage}" ])
                    [
                        $"endpoints[0].ca_file (line 11, col 14): cannot use \"{garbage}\": the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    ]
                    "not PEM"

                let keyErrors =
                    loadErrors dir [ $"client_certificate: {pki.ClientCertificate}"; $"client_key: {pki.CaFile}" ]

                Expect.equal
                    keyErrors
                    [
                        $"endpoints[0].client_key (line 12, col 17): \"{pki.CaFile}\" holds no PEM private key (-----BEGIN PRIVATE KEY-----)"
                    ]
                    "a certificate where the key should be"

                let otherKey = issue pki.Ca "other" false
                let _, otherKeyFile = writePem dir.Path "other" otherKey

                let mismatch =
                    loadErrors
                        dir
                        [
                            $"client_certificate: {pki.ClientCertificate}"
                            $"client_key: {otherKeyFile}"
                        ]

                Expect.equal mismatch.Length 1 "one error"
                Expect.stringContains mismatch[0] "endpoints[0].client_certificate (line 11" "at the certificate"
                Expect.stringContains mismatch[0] "does not match the private key in client_key" "says why"
                let keyText = File.ReadAllText otherKeyFile
                Expect.isFalse (mismatch[0].Contains(keyText.Split('\n')[1])) "no key material"

                Expect.isEmpty
                    (loadErrors
                        dir
                        [
                            $"ca_file: {pki.CaFile}"
                            $"client_certificate: {pki.ClientCertificate}"
                            $"client_key: {pki.ClientKey}"
                        ])
                    "good files load"
            }
            testTask "the Cachet client trusts cachet.ca_file and presents cachet.client_certificate" {
                use dir = new TempDir()
                let pki = Pki dir
                use target = new TlsTarget(pki.Server, Some pki.Ca)

                let tls =
                    {
                        CaFile = Some pki.CaFile
                        ClientCertificate = Some pki.ClientCertificate
                        ClientKey = Some pki.ClientKey
                    }

                use services = MonitorHttpClients.Standalone()

                let clients =
                    new CachetHttpClients(services.GetRequiredService<IHttpClientFactory>())

                let http = clients.For tls

                let plain =
                    clients.For
                        {
                            CaFile = None
                            ClientCertificate = None
                            ClientKey = None
                        }

                try
                    let! (response: HttpResponseMessage) = http.GetAsync(target.Url "/api/v1/ping")
                    Expect.equal (int response.StatusCode) 200 "mutual TLS to Cachet"

                    let! refused =
                        task {
                            try
                                let! _ = plain.GetAsync(target.Url "/api/v1/ping")
                                return false
                            with :? HttpRequestException ->
                                return true
                        }

                    Expect.isTrue refused "without the files the private CA is not trusted"
                finally
                    http.Dispose()
                    plain.Dispose()
                    clients.Dispose()
            }
            testTask "check --json shows the incident message a failure would carry" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/health", TargetBehaviour.WithStatus 503)
                use dir = new TempDir()

                let path =
                    checkConfig
                        dir
                        target
                        [
                            "messages:"
                            "  incident_outage_message: \"{name} answered HTTP {status_code}\""
                        ]

                let! code, output = run [ "check"; path; "--json" ] noProxyVariables (seconds 60.0)
                Expect.equal code 1 $"the check fails\n{output}"
                Expect.stringContains output "\"incidentMessage\": \"api answered HTTP 503\"" "the rendered template"
                Expect.stringContains output "\"message\": \"Unexpected HTTP status (503)\"" "the check's own message"
            }
            testTask "an incident's message comes from incident_outage_message, end to end" {
                let token = "request-options-token-99"
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api

                // `{timeout}` is a key of the endpoint (Stage writes `timeout: 1`).
                let yaml =
                    stage.Config "CREATE_INCIDENT, UPDATE_STATUS"
                    + "\nmessages:\n  incident_outage_message: \"{name} answered HTTP {status_code} within {timeout} s\"\n"

                target.Set("/health", TargetBehaviour.WithStatus 503)
                use running = start [ "run"; stage.Dir.Write("config.yml", yaml) ] []
                do! waitFor running "the incident opens" (fun () -> not (incidentsOf cachet api.Id).IsEmpty)
                let opened = incidentsOf cachet api.Id |> List.exactlyOne
                Expect.equal opened.Message "api answered HTTP 503 within 1 s" "the rendered template"
                Expect.equal opened.Name "api is unavailable" "the title is unchanged"
            }
        ]
