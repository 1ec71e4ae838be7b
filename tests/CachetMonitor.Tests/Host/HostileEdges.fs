/// Edges found by hostile testing (issue 16), each against the real executable, the fake Cachet and targets on
/// 127.0.0.1: what a user sees when they do something odd but legitimate.
module CachetMonitor.Tests.Host.HostileEdges

open System
open System.IO
open System.Text
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport
open CachetMonitor.Tests.Support

/// Lines of the output that contain `text`.
let private linesWith (text: string) (output: string) =
    output.Split '\n' |> Array.filter (fun line -> line.Contains text)

/// The bundled demo, as a fresh clone has it (world-readable), probing its own health endpoint on `port`.
let private demoOnPort (dir: TempDir) (port: int) =
    let text =
        File.ReadAllText(RepoFiles.path "examples/demo.yml").Replace("127.0.0.1:9464", $"127.0.0.1:{port}")

    let path = dir.Write("demo.yml", text)

    File.SetUnixFileMode(
        path,
        UnixFileMode.UserRead
        ||| UnixFileMode.UserWrite
        ||| UnixFileMode.GroupRead
        ||| UnixFileMode.OtherRead
    )

    path

let private token = "edges-token-4e7a21"

/// A password written in a URL's user-info (issue 16, item 1): never shown, sent as Basic auth.
let private urlPassword = "url-pass-6d2f90"

let private basic (user: string) (password: string) =
    "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes $"{user}:{password}")

let private expectNoPassword (what: string) (text: string) =
    Expect.isFalse (text.Contains urlPassword) $"{what} never shows the URL's password\n{text}"

/// An outage of an endpoint whose URL carries a password, with a webhook whose URL carries one too.
let private outageWithPasswords =
    testTask "a password in an endpoint's URL reaches neither the incident, nor the webhook, nor the log" {
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        let closed = freePort ()

        let yaml =
            config
                stage.Cachet.BaseUrl
                token
                [
                    endpointYaml
                        "api"
                        $"http://edge-user:{urlPassword}@127.0.0.1:{closed}/health"
                        stage.Api.Id
                        (statusExpectation @ [ "action: [CREATE_INCIDENT, UPDATE_STATUS]" ])
                ]
                [
                    "webhooks:"
                    $"  - url: \"http://hook-user:{urlPassword}@127.0.0.1:{stage.Target.Port}/hook\""
                    "    params:"
                    "      text: \"{message}\""
                ]

        let path = stage.Dir.Write("config.yml", yaml)
        File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
        use running = start [ "run"; path; "--log-level"; "Trace" ] []
        do! waitFor running "the incident opens" (fun () -> not (incidentsOf stage.Cachet stage.Api.Id).IsEmpty)
        do! waitFor running "the webhook fires" (fun () -> stage.Target.Hits "/hook" >= 1)
        let! _ = stopWith SIGTERM (seconds 5.0) running

        let incident = (incidentsOf stage.Cachet stage.Api.Id).Head
        expectNoPassword "the incident posted to Cachet" incident.Message

        Expect.stringContains
            incident.Message
            $"GET http://***@127.0.0.1:{closed}/health"
            "the incident names the URL with its user-info masked"

        let hook = (stage.Target.HitLog "/hook")[0]
        expectNoPassword "the webhook's payload" (Uri.UnescapeDataString hook.QueryString)
        Expect.equal hook.Headers["Authorization"] (basic "hook-user" urlPassword) "the webhook gets Basic auth"
        expectNoPassword "the log" running.Output
    }

/// `check` against a live target whose URL carries a password.
let private checkWithPassword =
    testTask "a URL's user-info is sent as Basic auth and check masks it, in the table and in JSON" {
        use dir = new TempDir()
        let! (target: TargetServer) = TargetServer.StartAsync()
        use _ = target
        let url = $"http://probe-user:{urlPassword}@127.0.0.1:{target.Port}/auth"

        let yaml =
            config
                "http://127.0.0.1:1/api/v1"
                token
                [ endpointYaml "api" url 1 (statusExpectation @ [ "action: [UPDATE_STATUS]" ]) ]
                []

        let path = dir.Write("config.yml", yaml)

        for args in [ [ "check"; path ]; [ "check"; path; "--json" ] ] do
            let! code, output = run args [] (seconds 30.0)
            Expect.equal code 0 $"the check passes\n{output}"
            expectNoPassword "check" output

        let! _, json = run [ "check"; path; "--json" ] [] (seconds 30.0)
        Expect.stringContains json $"http://***@127.0.0.1:{target.Port}/auth" "JSON shows the URL masked"

        Expect.isNonEmpty (target.HitLog "/auth") "the target was checked"

        for hit in target.HitLog "/auth" do
            Expect.equal hit.Headers["Authorization"] (basic "probe-user" urlPassword) "Basic auth from the user-info"
    }

/// Start-up against `apiUrl` ends with exit 1 (a configuration error); the output.
let private startUpFailsWith (stage: Stage) (apiUrl: string) (extraCachet: string) =
    task {
        let yaml =
            (stage.Config "UPDATE_STATUS")
                .Replace(stage.Cachet.BaseUrl, apiUrl)
                .Replace("cachet:\n", "cachet:\n" + extraCachet)

        let path = stage.Dir.Write("config.yml", yaml)
        File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
        let! code, output = run [ "run"; path ] [] (seconds 30.0)
        Expect.equal code 1 $"a configuration error ends start-up with exit 1\n{output}"
        Expect.isFalse (output.Contains token) "the token is never printed"
        return output
    }

let private startUpFails (stage: Stage) (apiUrl: string) = startUpFailsWith stage apiUrl ""

/// An `http://` api_url whose server sends everything to another origin (issue 16, item 3).
let private cachetBehindRedirect =
    testTask "Cachet behind a redirect: start-up fails naming the Location and api_url, and the token never goes there" {
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        let! (front: FakeCachet) = FakeCachet.StartAsync()
        use _ = front
        front.FailUntilCleared(CachetFault.Redirect stage.Cachet.Root)
        let! output = startUpFails stage front.BaseUrl

        Expect.stringContains
            output
            $"redirecting to {stage.Cachet.BaseUrl}/components/{stage.Api.Id}"
            "the Location is named"

        Expect.stringContains
            output
            $"set cachet.api_url to the address Cachet answers at (here: {stage.Cachet.BaseUrl})"
            "the fix is named"

        Expect.isEmpty stage.Cachet.Requests "nothing, so no token, reached the redirect's origin"
    }

/// An api_url without `/api/v1` (issue 16, item 7).
let private apiUrlWithoutApiPath =
    testTask
        "with api_version 2, an api_url without /api/v1 fails at start-up naming the URL requested and suggesting /api/v1" {
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        // With api_version 2 nothing is detected (auto finds /api/v1 below the host and starts).
        let! output = startUpFailsWith stage stage.Cachet.Root "  api_version: 2\n"

        Expect.stringContains
            output
            $"component {stage.Api.Id} not found at {stage.Cachet.Root}/components/{stage.Api.Id}"
            "the URL requested is named"

        Expect.stringContains
            output
            $"{stage.Cachet.Root}/api/v1/ping answers, so cachet.api_url probably lacks /api/v1 (try {stage.Cachet.BaseUrl})"
            "the missing /api/v1 is suggested"
    }

/// Two webhooks, the first of which never answers (issue 16, item 5).
let private slowWebhook =
    testTask "a webhook that does not answer delays no other webhook" {
        let! (stage: Stage) = Stage.StartAsync(token)
        use _ = stage
        let release = Threading.Tasks.TaskCompletionSource()
        stage.Target.Set("/health", TargetBehaviour.WithStatus 503)
        stage.Target.Set("/slow", TargetBehaviour.Ok().HeldUntil release.Task)

        let slow, fast = stage.Target.Url "/slow", stage.Target.Url "/fast"

        let yaml =
            (stage.Config "CREATE_INCIDENT, UPDATE_STATUS")
            + String.concat "\n" [ "webhooks:"; $"  - url: \"{slow}\""; $"  - url: \"{fast}\""; "" ]

        let path = stage.Dir.Write("config.yml", yaml)
        File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
        use running = start [ "run"; path ] []
        do! waitFor running "the slow webhook is called" (fun () -> stage.Target.Hits "/slow" >= 1)

        // Its call has a 10 s time-out: the other webhook must not wait for it.
        do!
            waitUpTo (seconds 5.0) running "the other webhook is called while the slow one hangs" (fun () ->
                stage.Target.Hits "/fast" >= 1)

        release.SetResult()
        let! _ = stopWith SIGTERM (seconds 5.0) running
        ()
    }

/// A webhook's queue overflowing: each drop counted and logged (at most every 10 s), the metric exported.
let private webhookDrops =
    testTask "a webhook's full queue drops the oldest events, counted in /metrics and logged" {
        let! (target: TargetServer) = TargetServer.StartAsync()
        use _ = target
        let release = Threading.Tasks.TaskCompletionSource()
        target.Set("/held", TargetBehaviour.Ok().HeldUntil release.Task)

        let url =
            match CachetMonitor.Domain.Template.parse (target.Url "/held") with
            | Ok template -> template
            | Error e -> failwith e

        let hook: CachetMonitor.Domain.Webhook = { Url = url; Params = []; Json = false }

        let logger =
            SchedulerTests.Harness.RecordingLogger<CachetMonitor.Host.Webhooks.WebhookSender>(
                Microsoft.Extensions.Logging.LogLevel.None
            )

        let sender =
            new CachetMonitor.Host.Webhooks.WebhookSender(
                [| hook |],
                new Net.Http.HttpClient(),
                logger,
                queueCapacity = 2
            )

        let notice: CachetMonitor.Domain.WebhookNotice =
            {
                Event = CachetMonitor.Domain.Opened
                Title = "t"
                Message = "m"
            }

        sender.Notify("api", notice)
        let! inFlight = eventually (seconds 5.0) (fun () -> target.Hits "/held" >= 1)
        Expect.isTrue inFlight "the first event is in flight"

        for _ in 1..4 do
            sender.Notify("api", notice)

        Expect.equal sender.Dropped 2L "two queued, the two oldest of the rest dropped"

        Expect.exists
            logger.Entries
            (fun e -> e.Text.Contains "Webhook 0 is slower than the events")
            "the drop is logged"

        let metrics =
            CachetMonitor.Host.Observability.MonitorMetrics(
                Lazy<CachetMonitor.Host.Scheduling.MonitorSet>(fun () -> CachetMonitor.Host.Scheduling.MonitorSet []),
                Lazy<CachetMonitor.Host.Cachet.Sync.ComponentSet>(fun () ->
                    CachetMonitor.Host.Cachet.Sync.ComponentSet []),
                CachetMonitor.Host.Scheduling.CheckStatistics(),
                CachetMonitor.Host.Cachet.Sync.SyncCounters(),
                null,
                sender
            )

        use stream = new MemoryStream()
        do! metrics.Registry.CollectAndExportAsTextAsync stream

        Expect.stringContains
            (Encoding.UTF8.GetString(stream.ToArray()))
            "\ncachet_monitor_webhooks_dropped_total 2"
            "the metric"

        release.SetResult()
        do! sender.DisposeAsync()
    }

[<Tests>]
let tests =
    testList
        "hostile edges"
        [
            testTask "the bundled demo runs dry from a world-readable file without a warning" {
                use dir = new TempDir()
                let port = freePort ()
                let path = demoOnPort dir port
                use running = start [ "run"; path; "--dry-run"; "--listen"; $"127.0.0.1:{port}" ] []

                do!
                    waitFor running "the demo's healthy endpoint sets its component operational" (fun () ->
                        running.Output.Contains "[dry run] would PUT /components/1 status=1")

                Expect.isEmpty (linesWith "warning" running.Output) $"no warning\n{running.Output}"
                Expect.isFalse (running.Output.Contains "chmod") $"no permissions advice\n{running.Output}"
                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
            }

            cachetBehindRedirect
            apiUrlWithoutApiPath
            test "user-info is found only in the authority, masked, stripped and decoded" {
                let mask = CachetMonitor.Domain.UrlCredentials.mask
                let strip = CachetMonitor.Domain.UrlCredentials.strip
                let credentials = CachetMonitor.Domain.UrlCredentials.credentials
                Expect.equal (mask "http://u:p@h/x") "http://***@h/x" "masked"

                Expect.equal
                    (mask "http://h/p@x?q=@#@")
                    "http://h/p@x?q=@#@"
                    "an @ after the authority is not user-info"

                Expect.equal (strip "https://u@h:8/x?y=@") "https://h:8/x?y=@" "stripped"
                Expect.equal (credentials "http://us%40er:p%3Ass@h") (Some("us@er", "p:ss")) "decoded"
                Expect.equal (credentials "http://u@h") (Some("u", "")) "no password"
                Expect.equal (credentials "http://h/") None "none"
            }
            slowWebhook
            webhookDrops
            outageWithPasswords
            test "credential-bearing header values and URL user-info written in the config are masked in output" {
                use dir = new TempDir()

                let yaml =
                    config
                        "http://cachet-user:cachet-pass-11@127.0.0.1:1/api/v1"
                        token
                        [
                            endpointYaml
                                "api"
                                $"http://u:{urlPassword}@127.0.0.1:1/"
                                1
                                (statusExpectation
                                 @ [
                                     "header:"
                                     "  Authorization: \"Bearer bearer-value-1a2b\""
                                     "  X-Api-Key: api-key-value-3c4d"
                                     "  X-Auth-Token: auth-token-value-5e6f"
                                     "  X-Request-Id: request-id-7a8b"
                                 ])
                        ]
                        []

                let loaded =
                    CachetMonitor.Host.Configuration.ConfigLoader.Load(dir.Write("config.yml", yaml), fun _ -> null)

                Expect.isTrue loaded.IsValid $"the config is valid: {loaded.Errors}"
                let redactor = CachetMonitor.Host.Secrets.SecretRedactor()
                redactor.Add loaded.Masked

                let shown =
                    redactor.Redact
                        $"u:{urlPassword} bearer-value-1a2b api-key-value-3c4d auth-token-value-5e6f cachet-pass-11 request-id-7a8b"

                Expect.equal shown "*** *** *** *** *** request-id-7a8b" "credentials masked, other headers kept"
            }
            checkWithPassword
            testTask "a plain-string token says nothing about CACHET_TOKEN unless it is used, and then once" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let path = stage.Dir.Write("config.yml", stage.Config "UPDATE_STATUS")
                File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)

                use plain = start [ "run"; path; "--log-level"; "Debug" ] []

                do!
                    waitFor plain "the daemon adopts its component" (fun () ->
                        plain.Output.Contains "Adopted Cachet state")

                let! _ = stopWith SIGTERM (seconds 5.0) plain
                Expect.isEmpty (linesWith "CACHET_TOKEN" plain.Output) $"nothing about CACHET_TOKEN\n{plain.Output}"
                Expect.isEmpty (linesWith "provider" plain.Output) $"nothing about providers\n{plain.Output}"

                let overridden =
                    stage.Dir.Write("overridden.yml", (stage.Config "UPDATE_STATUS").Replace(token, "not-the-token"))

                File.SetUnixFileMode(overridden, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)

                use fromEnvironment =
                    start [ "run"; overridden; "--log-level"; "Debug" ] [ "CACHET_TOKEN", token ]

                do!
                    waitFor fromEnvironment "the component is read with the token from CACHET_TOKEN" (fun () ->
                        fromEnvironment.Output.Contains "Adopted Cachet state")

                let! _ = stopWith SIGTERM (seconds 5.0) fromEnvironment

                Expect.equal
                    (linesWith "CACHET_TOKEN" fromEnvironment.Output |> List.ofArray)
                    [
                        "cachet-monitor: the Cachet token is taken from CACHET_TOKEN (it overrides cachet.token)"
                    ]
                    $"said once\n{fromEnvironment.Output}"

                Expect.isFalse (fromEnvironment.Output.Contains token) "the token is never printed"
            }
        ]
