/// Shared pieces of the end-to-end and reliability suites: config text, waiting, a switchable TCP forwarder (to make Cachet
/// refuse connections and come back on the same port), a self-signed certificate and process memory readings.
module CachetMonitor.Tests.Support.ScenarioSupport

open System
open System.IO
open System.Net
open System.Net.Sockets
open System.Security.Cryptography
open System.Security.Cryptography.X509Certificates
open System.Threading
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess

/// A time span of `s` seconds.
let seconds (s: float) = TimeSpan.FromSeconds s

/// One endpoint block; `extra` is more YAML lines at the endpoint's indentation (they may override the defaults
/// `timeout: 1` and `frequency: 0.2`).
let endpointYaml (name: string) (url: string) (componentId: int) (extra: string list) =
    let overrides key =
        extra |> List.exists (fun l -> l.StartsWith(key + ":"))

    let defaults =
        [
            if not (overrides "timeout") then
                "timeout: 1"
            if not (overrides "frequency") then
                "frequency: 0.2"
        ]

    [
        $"  - name: {name}"
        $"    url: {url}"
        "    method: GET"
        $"    component_id: {componentId}"
    ]
    @ ((defaults @ extra) |> List.map (fun l -> "    " + l))
    |> String.concat "\n"

/// An HTTP_STATUS 200-300 expectation.
let statusExpectation =
    [ "expectation:"; "  - type: HTTP_STATUS"; "    status_range: 200-300" ]

/// A whole config: the endpoints, a `cachet` section with `tokenLines` (already indented) and more top-level lines.
let configWith (apiUrl: string) (tokenLines: string list) (endpoints: string list) (tail: string list) =
    ([ "endpoints:" ]
     @ endpoints
     @ [ "cachet:"; $"  api_url: {apiUrl}" ]
     @ tokenLines
     @ tail
     |> String.concat "\n")
    + "\n"

/// A config with a plain-string token.
let config (apiUrl: string) (token: string) (endpoints: string list) (tail: string list) =
    configWith apiUrl [ $"  token: {token}" ] endpoints tail

/// What most scenarios need: a temporary folder, a scripted target, and a fake Cachet that accepts `token` and
/// holds one component "api".
type Stage(token: string, dir: TempDir, target: TargetServer, cachet: FakeCachet, api: FakeComponent) =
    member _.Dir = dir
    member _.Target = target
    member _.Cachet = cachet
    member _.Api = api

    /// A config whose one endpoint "api" probes the target's `/health` (HTTP_STATUS 200-300) with these actions.
    member this.Config(actions: string) = this.Config(actions, [])

    /// The same config with more lines in its `cachet` section (already indented), e.g. `  resync_interval: 1`.
    member _.Config(actions: string, cachetLines: string list) =
        configWith
            cachet.BaseUrl
            ($"  token: {token}" :: cachetLines)
            [
                endpointYaml "api" (target.Url "/health") api.Id (statusExpectation @ [ $"action: [{actions}]" ])
            ]
            []

    /// Starts a stage against a Cachet of this version (2.4 by default), "api" showing this status (1 by default).
    static member StartAsync(token: string, ?version: FakeCachetVersion, ?status: int) =
        task {
            let dir = new TempDir()
            let! target = TargetServer.StartAsync()
            let! cachet = FakeCachet.StartAsync(defaultArg version FakeCachetVersion.V24)
            cachet.AddToken token
            return new Stage(token, dir, target, cachet, cachet.AddComponent("api", defaultArg status 1))
        }

    interface IAsyncDisposable with
        member _.DisposeAsync() =
            ValueTask(
                task {
                    do! cachet.DisposeAsync()
                    do! target.DisposeAsync()
                    (dir :> IDisposable).Dispose()
                }
            )

/// The incidents of one component in the fake.
let incidentsOf (cachet: FakeCachet) componentId =
    cachet.Incidents
    |> Seq.filter (fun i -> i.ComponentId = componentId)
    |> List.ofSeq

/// The status the status page shows for one component in the fake (3.x: its `latest_status`), or -1.
let statusOf (cachet: FakeCachet) componentId = cachet.ShownStatus componentId

/// The Cachet versions every scenario of the component model runs against: the same config (with the version's
/// `api_url`) must give the same guarantees on both.
let cachetVersions = [ FakeCachetVersion.V24; FakeCachetVersion.V3 ]

/// A scenario's name on a version: as it always was on 2.4, marked on the others.
let onVersion (name: string) (version: FakeCachetVersion) =
    if version = FakeCachetVersion.V24 then
        name
    else
        $"{name} [Cachet {version}]"

/// Waits (at most `timeout`) for a condition; fails the test with the monitor's output when it never holds.
let waitUpTo (timeout: TimeSpan) (running: Running) (what: string) (condition: unit -> bool) =
    task {
        let! held = eventually timeout condition
        Expect.isTrue held $"{what}\n--- monitor output ---\n{running.Output}"
    }

/// The rows of `check --json` output by endpoint name: each the listed properties as JSON text ("" for null).
let checkRows (output: string) (properties: string list) =
    let document = Text.Json.JsonDocument.Parse(output.Substring(output.IndexOf '['))

    let rows =
        [
            for row: Text.Json.JsonElement in document.RootElement.EnumerateArray() ->
                string (row.GetProperty("endpoint").GetString()),
                properties |> List.map (fun p -> row.GetProperty(p).ToString())
        ]
        |> Map.ofList

    document.Dispose()
    rows

/// Waits up to 15 s for a condition.
let waitFor running what condition =
    waitUpTo (seconds 15.0) running what condition

/// Sends a signal and expects exit code 0 within `within`; returns the time the exit took.
/// Replaces the file the way editors do: write a new file, then rename it over the old one.
let replaceFile (path: string) (text: string) =
    let temporary = path + ".new"
    File.WriteAllText(temporary, text)
    File.Move(temporary, path, true)

/// Starts the daemon on `path` with more arguments and waits for its start-up reads.
let startWith (path: string) (extra: string list) =
    task {
        let running = start ([ "run"; path; "--log-level"; "Debug" ] @ extra) []
        do! waitFor running "start-up reads done" (fun () -> running.Output.Contains "Start-up reads done")
        return running
    }

/// Expects a condition to hold for `span` (it must not change while the daemon keeps checking).
let holdsFor (span: TimeSpan) (running: Running) (what: string) (condition: unit -> bool) =
    task {
        let until = DateTimeOffset.UtcNow + span

        while DateTimeOffset.UtcNow < until do
            Expect.isTrue (condition ()) $"{what}\n--- monitor output ---\n{running.Output}"
            do! Task.Delay 100
    }

/// The unresolved incidents of one component in the fake.
let openIncidentsOf (cachet: FakeCachet) componentId =
    incidentsOf cachet componentId |> List.filter (fun i -> i.Status < 4)

let stopWith (signal: int) (within: TimeSpan) (running: Running) =
    task {
        let clock = Diagnostics.Stopwatch.StartNew()
        running.Signal signal
        let! code = running.WaitForExit(within + seconds 10.0)
        clock.Stop()
        Expect.equal code (Some 0) $"the signal ends the process with exit 0\n{running.Output}"
        Expect.isLessThan clock.Elapsed within $"the exit takes less than {within}\n{running.Output}"
        return clock.Elapsed
    }

/// Requests to the fake whose method is `method` and whose path starts with `prefix`.
let requestsTo (cachet: FakeCachet) (method: string) (prefix: string) =
    cachet.Requests
    |> Seq.filter (fun r ->
        r.Method = method
        && r.Path.StartsWith(Uri(cachet.BaseUrl).AbsolutePath + prefix))
    |> List.ofSeq

/// A TCP forwarder on a fixed 127.0.0.1 port in front of another loopback port. `Down()` closes the listener and
/// every open connection, so new connections are refused; `Up()` listens again on the same port.
type SwitchableForwarder(targetPort: int) =
    let gate = obj ()
    let connections = Collections.Generic.List<TcpClient>()
    let mutable listener: TcpListener | null = null
    let mutable port = 0

    let pump (source: NetworkStream) (sink: NetworkStream) =
        task {
            try
                do! source.CopyToAsync sink
            with _ ->
                ()

            try
                sink.Socket.Shutdown SocketShutdown.Send
            with _ ->
                ()
        }
        :> Task

    let serve (active: TcpListener) =
        task {
            let mutable running = true

            while running do
                try
                    let! client = active.AcceptTcpClientAsync()
                    let upstream = new TcpClient()
                    do! upstream.ConnectAsync(IPAddress.Loopback, targetPort)
                    lock gate (fun () -> connections.AddRange [ client; upstream ])
                    let a, b = client.GetStream(), upstream.GetStream()
                    Task.WhenAll(pump a b, pump b a) |> ignore
                with _ ->
                    running <- false
        }
        |> ignore

    /// The port clients connect to (stable across Down/Up).
    member _.Port = port

    /// Starts listening (on the same port as before, if any).
    member _.Up() =
        lock gate (fun () ->
            let active = new TcpListener(IPAddress.Loopback, port)
            active.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true)
            active.Start()
            port <- (active.LocalEndpoint :?> IPEndPoint).Port
            listener <- active
            serve active)

    /// Stops listening and resets every forwarded connection: from now on connections are refused.
    member _.Down() =
        lock gate (fun () ->
            match listener with
            | null -> ()
            | active ->
                active.Stop()
                listener <- null

            for c in connections do
                try
                    c.Client.LingerState <- LingerOption(true, 0)
                    c.Close()
                with _ ->
                    ()

            connections.Clear())

    interface IDisposable with
        member this.Dispose() = this.Down()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            this.Down()
            ValueTask.CompletedTask

/// Starts a forwarder in front of `targetPort`, listening.
let forwarderTo targetPort =
    let forwarder = new SwitchableForwarder(targetPort)
    forwarder.Up()
    forwarder

/// A self-signed certificate for 127.0.0.1 and localhost, with its private key, made in memory.
let selfSignedCertificate () =
    use key = RSA.Create 2048

    let request =
        CertificateRequest("CN=cachet-monitor-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)

    let names = SubjectAlternativeNameBuilder()
    names.AddIpAddress IPAddress.Loopback
    names.AddDnsName "localhost"
    request.CertificateExtensions.Add(names.Build())

    let serverAuth = OidCollection()
    serverAuth.Add(Oid "1.3.6.1.5.5.7.3.1") |> ignore
    request.CertificateExtensions.Add(X509EnhancedKeyUsageExtension(serverAuth, false))

    use created =
        request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes -5.0, DateTimeOffset.UtcNow.AddHours 1.0)

    X509CertificateLoader.LoadPkcs12(created.Export X509ContentType.Pfx, null)

/// A field of `/proc/{pid}/status` in KiB (`VmRSS`, `VmHWM`), or None once the process is gone.
let procStatusKiB (pid: int) (field: string) =
    try
        File.ReadAllLines $"/proc/{pid}/status"
        |> Array.tryFind (fun l -> l.StartsWith(field + ":"))
        |> Option.map (fun l -> l.Substring(field.Length + 1).Trim().Split(' ')[0] |> int64)
    with _ ->
        None

/// Samples a process's peak resident memory (VmHWM) every 20 ms until it exits; the last reading, in KiB.
let watchPeakRss (pid: int) (ct: CancellationToken) =
    task {
        let mutable peak = 0L

        while not ct.IsCancellationRequested && Directory.Exists $"/proc/{pid}" do
            match procStatusKiB pid "VmHWM" with
            | Some kib -> peak <- max peak kib
            | None -> ()

            try
                do! Task.Delay(20, ct)
            with :? OperationCanceledException ->
                ()

        return peak
    }
