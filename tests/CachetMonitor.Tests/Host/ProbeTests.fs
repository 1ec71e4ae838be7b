/// The HTTP prober against a scripted target on 127.0.0.1.
module CachetMonitor.Tests.Host.ProbeTests

open System
open System.Diagnostics
open System.Net
open System.Net.Sockets
open System.Text
open System.IO
open System.IO.Compression
open System.Threading
open Expecto
open CachetMonitor.Domain
open CachetMonitor.FakeServers
open CachetMonitor.Host.Probing
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support

/// An endpoint parsed from a minimal config, as a user would write it.
let endpointFor (url: string) (extra: string list) =
    let lines =
        [
            "endpoints:"
            "  - name: probe"
            $"    url: {url}"
            "    method: GET"
            "    timeout: 1"
            "    frequency: 1"
            "    component_id: 1"
        ]
        @ (if extra |> List.exists (fun l -> l.StartsWith "expectation:") then
               []
           else
               [
                   "    expectation:"
                   "      - type: HTTP_STATUS"
                   "        status_range: 200-300"
               ])
        @ (extra |> List.map (fun l -> "    " + l))
        @ [ "cachet:"; "  api_url: http://127.0.0.1:1/api/v1"; "  token: t" ]

    (ConfigText.validConfig (String.Join("\n", lines))).Endpoints.Head

let private regexExpectation =
    [ "expectation:"; "  - type: REGEX"; "    regex: \"ok\"" ]


let private probeWith (options: ProbeOptions) (endpoint: Endpoint) =
    task {
        use prober = new HttpProber(options)
        return! prober.ProbeAsync(endpoint, Threading.CancellationToken.None)
    }

let private probe = probeWith (ProbeOptions())

let private responded observation =
    match observation with
    | Responded response -> response
    | other -> failtest $"expected a response, got %A{other}"

[<Tests>]
let tests =
    testList
        "probing"
        [
            testTask "a response reports its status code and the latency to its headers" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/slow", TargetBehaviour.Delayed(TimeSpan.FromMilliseconds 150.0))
                let! observation = probe (endpointFor (target.Url "/slow") [])
                let response = responded observation
                Expect.equal response.StatusCode (Some 200) "the status"
                Expect.isGreaterThanOrEqual response.LatencySeconds 0.14 "at least the delay"
                Expect.isLessThan response.LatencySeconds 1.0 "well under the timeout"
            }
            testTask "the method, headers and body are sent as configured" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let endpoint =
                    endpointFor (target.Url "/submit") [ "header:"; "  X-Probe: yes"; "body: '{\"ping\":1}'" ]
                    |> fun e -> { e with Method = "post" }

                let! _ = probe endpoint
                let hit = target.HitLog "/submit" |> Seq.exactlyOne
                Expect.equal hit.Method "POST" "upper-cased method"
                Expect.equal hit.Headers["X-Probe"] "yes" "the header"
                Expect.equal hit.Headers["Content-Length"] "10" "the body"
            }
            testTask "every check sends cachet-monitor's User-Agent, unless the endpoint's header sets one" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let! _ = probe (endpointFor (target.Url "/plain") [])

                let! _ =
                    probe (endpointFor (target.Url "/own") [ "header:"; "  User-Agent: my-agent/2" ])

                Expect.stringStarts
                    (target.HitLog "/plain" |> Seq.exactlyOne).Headers["User-Agent"]
                    "cachet-monitor/"
                    "the tool's"

                Expect.equal
                    (target.HitLog "/own" |> Seq.exactlyOne).Headers["User-Agent"]
                    "my-agent/2"
                    "the endpoint's"
            }
            testTask "a prepared request sends the same method, headers and body on every check" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let endpoint =
                    endpointFor (target.Url "/again") [ "header:"; "  X-Probe: yes"; "body: 'café'" ]
                    |> fun e -> { e with Method = "put" }

                let prepared = ProbeRequest.For endpoint

                let! observations =
                    task {
                        use prober = new HttpProber(ProbeOptions())
                        let! first = prober.ProbeAsync(prepared, Threading.CancellationToken.None)
                        let! second = prober.ProbeAsync(prepared, Threading.CancellationToken.None)
                        let! third = prober.ProbeAsync(prepared, Threading.CancellationToken.None)
                        return [ first; second; third ]
                    }

                for observation in observations do
                    Expect.equal (responded observation).StatusCode (Some 200) "each check is answered"

                let hits = target.HitLog "/again" |> List.ofSeq
                Expect.equal hits.Length 3 "three requests"

                for hit in hits do
                    Expect.equal hit.Method "PUT" "the method"
                    Expect.equal hit.Headers["X-Probe"] "yes" "the header"
                    Expect.equal hit.Headers["Content-Length"] "5" "the body, UTF-8 encoded"
                    Expect.equal hit.Headers["Content-Type"] "text/plain; charset=utf-8" "the default content type"
            }
            testTask "a Content-Type header replaces the body's default one" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let endpoint =
                    endpointFor
                        (target.Url "/json")
                        [ "header:"; "  Content-Type: application/json"; "body: '{\"ping\":1}'" ]

                let! _ = probe endpoint
                let hit = target.HitLog "/json" |> Seq.exactlyOne
                Expect.equal hit.Headers["Content-Type"] "application/json" "the configured type"
            }
            testTask "an endpoint built without the parser's checks is unreachable, not a crash" {
                let endpoint =
                    { endpointFor "http://127.0.0.1:1/" [] with
                        Url = "not a url"
                    }

                let! observation = probe endpoint

                match observation with
                | Unreachable reason -> Expect.stringContains reason "not a url" "the reason names the URL"
                | other -> failtest $"expected unreachable, got %A{other}"
            }
            testTask "a target slower than the timeout is a time-out, bounded by the timeout" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/hang", TargetBehaviour.Hanging())
                let clock = Stopwatch.StartNew()

                let! observation =
                    probe
                        { endpointFor (target.Url "/hang") [] with
                            TimeoutSeconds = 0.3
                        }

                Expect.equal observation TimedOut "timed out"
                Expect.isLessThan clock.Elapsed.TotalSeconds 2.0 "the timeout bounds the whole request"
            }
            testTask "a body that drips past the timeout is a time-out too" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/hang", TargetBehaviour.Hanging())

                let! observation =
                    probe
                        { endpointFor (target.Url "/hang") regexExpectation with
                            TimeoutSeconds = 0.3
                        }

                Expect.equal observation TimedOut "timed out"
            }
            testTask "connection refused is unreachable, with the error text" {
                let port = freePort ()
                let! observation = probe (endpointFor $"http://127.0.0.1:{port}/" [])

                match observation with
                | Unreachable error -> Expect.stringContains error "refused" "says why"
                | other -> failtest $"expected unreachable, got %A{other}"
            }
            testTask "a connection dropped mid-response is unreachable" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/drop", TargetBehaviour.Dropping())
                let! observation = probe (endpointFor (target.Url "/drop") [])

                match observation with
                | Unreachable _ -> ()
                | other -> failtest $"expected unreachable, got %A{other}"
            }
            testTask "redirects are followed and the final response counts" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/old", TargetBehaviour.Redirect(target.Url "/new"))
                target.Set("/new", TargetBehaviour.WithStatus 204)
                let! observation = probe (endpointFor (target.Url "/old") [])
                Expect.equal (responded observation).StatusCode (Some 204) "the final status"
                Expect.equal (target.Hits "/new") 1 "followed"
            }
            testTask "the body is decoded by its declared charset, else as UTF-8" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                target.Set(
                    "/latin",
                    TargetBehaviour(BodyBytes = Encoding.Latin1.GetBytes "caf\u00e9 ok", Charset = "iso-8859-1")
                )

                target.Set("/utf8", TargetBehaviour(BodyBytes = Encoding.UTF8.GetBytes "caf\u00e9 ok", Charset = null))

                let! latin = probe (endpointFor (target.Url "/latin") regexExpectation)
                let! utf8 = probe (endpointFor (target.Url "/utf8") regexExpectation)
                Expect.equal (responded latin).Body "caf\u00e9 ok" "declared charset"
                Expect.equal (responded utf8).Body "caf\u00e9 ok" "UTF-8 by default"
            }
            testTask "the body is read only up to the cap, and only when a REGEX needs it" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/big", TargetBehaviour.WithBody(String('x', 3 * 1024 * 1024)))
                let capped = probeWith (ProbeOptions(MaxBodyBytes = 64 * 1024))
                let! withRegex = capped (endpointFor (target.Url "/big") regexExpectation)
                let! withoutRegex = capped (endpointFor (target.Url "/big") [])
                Expect.equal (responded withRegex).Body.Length (64 * 1024) "capped"
                Expect.equal (responded withoutRegex).Body "" "not read at all"
            }
            testTask
                "gzip, deflate (wrapped or bare) and br bodies are decompressed for REGEX, and every check offers them" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let compressed (coding: string) (wrap: Stream -> Stream) =
                    use buffer = new MemoryStream()

                    do
                        use writer = wrap buffer
                        writer.Write(Encoding.UTF8.GetBytes "café ok")

                    TargetBehaviour(
                        BodyBytes = buffer.ToArray(),
                        ContentType = "text/plain",
                        Charset = "utf-8",
                        Headers = readOnlyDict [ "Content-Encoding", coding ]
                    )

                target.Set("/gzip", compressed "gzip" (fun s -> new GZipStream(s, CompressionLevel.Fastest, true)))

                target.Set(
                    "/deflate",
                    compressed "deflate" (fun s -> new ZLibStream(s, CompressionLevel.Fastest, true))
                )

                target.Set("/br", compressed "br" (fun s -> new BrotliStream(s, CompressionLevel.Fastest, true)))
                // Some servers send "deflate" without the zlib wrapper RFC 9110 asks for.
                target.Set(
                    "/bare-deflate",
                    compressed "deflate" (fun s -> new DeflateStream(s, CompressionLevel.Fastest, true))
                )

                for path in [ "/gzip"; "/deflate"; "/br"; "/bare-deflate" ] do
                    let! observation = probe (endpointFor (target.Url path) regexExpectation)
                    Expect.equal (responded observation).Body "café ok" $"{path} decoded"

                    let hit = target.HitLog path |> Seq.exactlyOne
                    Expect.equal hit.Headers["Accept-Encoding"] ProbeRequest.AcceptEncoding $"{path} offered"
            }
            testTask "a compressed body is capped after decompression, and a corrupt one is unreachable" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                // 3 MiB of 'x' compresses to a few KiB: the cap must count what it expands to.
                use buffer = new MemoryStream()

                do
                    use gzip = new GZipStream(buffer, CompressionLevel.Fastest, true)
                    gzip.Write(Array.create (3 * 1024 * 1024) (byte 'x'), 0, 3 * 1024 * 1024)

                let gzipped body =
                    TargetBehaviour(
                        BodyBytes = body,
                        ContentType = "text/plain",
                        Headers = readOnlyDict [ "Content-Encoding", "gzip" ]
                    )

                target.Set("/bomb", gzipped (buffer.ToArray()))
                // A valid gzip header, then a deflate block of the reserved type 3.
                let corruptGzip =
                    [|
                        0x1fuy
                        0x8buy
                        0x08uy
                        0uy
                        0uy
                        0uy
                        0uy
                        0uy
                        0uy
                        0x03uy
                        0x07uy
                        0uy
                        0uy
                        0uy
                    |]

                target.Set("/corrupt", gzipped corruptGzip)
                let capped = probeWith (ProbeOptions(MaxBodyBytes = 64 * 1024))
                let! bomb = capped (endpointFor (target.Url "/bomb") regexExpectation)
                Expect.equal (responded bomb).Body.Length (64 * 1024) "capped at the decoded size"
                let! corrupt = capped (endpointFor (target.Url "/corrupt") regexExpectation)

                match corrupt with
                | Unreachable _ -> ()
                | other -> failtest $"expected unreachable, got %A{other}"
            }
            testTask "an endpoint's own Accept-Encoding is sent instead of the default" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let! _ =
                    probe (endpointFor (target.Url "/identity") [ "header:"; "  Accept-Encoding: identity" ])

                let hit = target.HitLog "/identity" |> Seq.exactlyOne
                Expect.equal hit.Headers["Accept-Encoding"] "identity" "the configured value"
            }
            testTask "a time-out kept per endpoint times out a slow check and serves the next one afresh" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/slow", TargetBehaviour.Delayed(TimeSpan.FromSeconds 3.0))
                let slow = ProbeRequest.For(endpointFor (target.Url "/slow") [])

                let fast =
                    ProbeRequest.For(
                        { endpointFor (target.Url "/fast") [] with
                            TimeoutSeconds = 1.0
                        }
                    )

                let! (observations: Observation list) =
                    task {
                        use prober = new HttpProber(ProbeOptions())
                        use timeout = new CheckTimeout(CancellationToken.None)
                        let! first = prober.ProbeAsync(slow, timeout, CancellationToken.None)
                        let! second = prober.ProbeAsync(fast, timeout, CancellationToken.None)
                        let! third = prober.ProbeAsync(fast, timeout, CancellationToken.None)
                        return [ first; second; third ]
                    }

                Expect.equal observations.Head TimedOut "the 1 s time-out fired on the slow check"

                for observation in observations.Tail do
                    Expect.equal (responded observation).StatusCode (Some 200) "later checks are not cancelled by it"
            }
            testTask "shutdown cancels a check in flight through the kept time-out" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/hang", TargetBehaviour.Hanging())

                let hang =
                    ProbeRequest.For(
                        { endpointFor (target.Url "/hang") [] with
                            TimeoutSeconds = 30.0
                        }
                    )

                let clock = Diagnostics.Stopwatch.StartNew()

                let! (outcome: Observation option) =
                    task {
                        use stopping = new CancellationTokenSource()
                        use prober = new HttpProber(ProbeOptions())
                        use timeout = new CheckTimeout(stopping.Token)
                        let check = prober.ProbeAsync(hang, timeout, stopping.Token)
                        do! Tasks.Task.Delay 200
                        stopping.Cancel()

                        try
                            let! observation = check
                            return Some observation
                        with :? OperationCanceledException ->
                            return None
                    }

                Expect.isNone outcome "a check cancelled by shutdown has no observation"
                Expect.isLessThan clock.Elapsed.TotalSeconds 5.0 "it ends promptly, not at the 30 s time-out"
            }
            testTask "binary bytes that are not UTF-8 decode without failing" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                target.Set(
                    "/bin",
                    TargetBehaviour(
                        BodyBytes = [| 0x80uy; 0x00uy; 0xc3uy; 0x28uy; byte 'o'; byte 'k' |],
                        ContentType = "application/octet-stream",
                        Charset = null
                    )
                )

                let endpoint = endpointFor (target.Url "/bin") regexExpectation
                let! observation = probe endpoint

                Expect.equal
                    (Monitor.evaluate endpoint observation)
                    (Passed (responded observation).LatencySeconds)
                    "the regex still evaluates"
            }
        ]
