/// Hot reload of the real executable: on a file change or SIGHUP, per endpoint, keeping state.
module CachetMonitor.Tests.Host.HotReloadTests

open System
open System.IO
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support

let private seconds (s: float) = TimeSpan.FromSeconds s
let private SIGHUP = 1

let private endpoint (name: string) (url: string) (componentId: int) =
    [
        $"  - name: {name}"
        $"    url: {url}"
        "    method: GET"
        "    timeout: 1"
        "    frequency: 0.2"
        $"    component_id: {componentId}"
        "    expectation:"
        "      - type: HTTP_STATUS"
        "        status_range: 200-300"
        "    action: [CREATE_INCIDENT, UPDATE_STATUS]"
    ]

let private config (apiUrl: string) (token: string) (endpoints: string list list) =
    String.Join(
        "\n",
        [ "endpoints:" ]
        @ List.concat endpoints
        @ [ "cachet:"; $"  api_url: {apiUrl}"; $"  token: {token}" ]
    )
    + "\n"

/// Replaces the file the way editors do: write a new file, then rename it over the old one.
let private replace (path: string) (text: string) =
    let temporary = path + ".new"
    File.WriteAllText(temporary, text)
    File.Move(temporary, path, true)

let private waitFor (running: Running) (what: string) (condition: unit -> bool) =
    task {
        let! held = eventually (seconds 15.0) condition
        Expect.isTrue held $"{what}\n--- monitor output ---\n{running.Output}"
    }

let private incidentsOf (cachet: FakeCachet) componentId =
    cachet.Incidents
    |> Seq.filter (fun i -> i.ComponentId = componentId)
    |> List.ofSeq

[<Tests>]
let tests =
    testSequenced
    <| testList
        "hot reload"
        [
            for version in ScenarioSupport.cachetVersions do
                testTask (
                    ScenarioSupport.onVersion
                        "a changed file keeps unchanged endpoints and their incidents, stops removed ones, starts added ones"
                        version
                ) {
                    use dir = new TempDir()
                    let! (target: TargetServer) = TargetServer.StartAsync()
                    use _ = target
                    let! (cachet: FakeCachet) = FakeCachet.StartAsync(version)
                    use _ = cachet
                    let token = "reload-token-0001"
                    cachet.AddToken token
                    let a = cachet.AddComponent("a", 1)
                    let b = cachet.AddComponent("b", 1)
                    let c = cachet.AddComponent("c", 1)
                    target.Set("/a", TargetBehaviour.WithStatus 503)

                    let path =
                        dir.Write(
                            "config.yml",
                            config
                                cachet.BaseUrl
                                token
                                [ endpoint "a" (target.Url "/a") a.Id; endpoint "b" (target.Url "/b") b.Id ]
                        )

                    use running = start [ "run"; path ] []
                    do! waitFor running "a's incident opens" (fun () -> not (incidentsOf cachet a.Id).IsEmpty)
                    do! waitFor running "b is checked" (fun () -> target.Hits "/b" >= 2)

                    replace
                        path
                        (config
                            cachet.BaseUrl
                            token
                            [ endpoint "a" (target.Url "/a") a.Id; endpoint "c" (target.Url "/c") c.Id ])

                    do! waitFor running "c starts" (fun () -> target.Hits "/c" >= 2)

                    do!
                        waitFor running "the reload is logged" (fun () ->
                            running.Output.Contains "1 added, 0 changed, 1 removed, 1 unchanged")

                    let bHits = target.Hits "/b"
                    let aHits = target.Hits "/a"
                    do! Task.Delay 800
                    Expect.isLessThanOrEqual (target.Hits "/b") (bHits + 1) "b stopped"
                    Expect.isGreaterThan (target.Hits "/a") aHits "a keeps being checked"
                    let incidents = incidentsOf cachet a.Id
                    Expect.equal incidents.Length 1 "a's incident is kept, not reopened"
                    Expect.equal incidents.Head.Status 1 "and still open"
                    target.Set("/a", TargetBehaviour.Ok())

                    do!
                        waitFor running "a's kept incident is resolved" (fun () ->
                            (incidentsOf cachet a.Id).Head.Status = 4)

                    running.Signal SIGTERM
                    let! code = running.WaitForExit(seconds 10.0)
                    Expect.equal code (Some 0) "stops cleanly"
                }

            testTask "an invalid change is rejected with every error logged, and the running config stays" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target

                let path =
                    dir.Write(
                        "config.yml",
                        config "http://127.0.0.1:9/api/v1" "dry-token-0002" [ endpoint "a" (target.Url "/a") 1 ]
                    )

                use running = start [ "run"; path; "--dry-run" ] []
                do! waitFor running "a is checked" (fun () -> target.Hits "/a" >= 2)

                replace
                    path
                    ((config "http://127.0.0.1:9/api/v1" "dry-token-0002" [ endpoint "a" (target.Url "/a") 1 ])
                        .Replace("frequency: 0.2", "frequency: -1")
                        .Replace("status_range: 200-300", "status_range: 2OO"))

                do!
                    waitFor running "the rejection is logged" (fun () ->
                        running.Output.Contains "the running config stays")

                Expect.stringContains running.Output "endpoints[0].frequency" "names the frequency"
                Expect.stringContains running.Output "endpoints[0].expectation[0].status_range" "names the range"
                let hits = target.Hits "/a"
                do! waitFor running "a is still checked" (fun () -> target.Hits "/a" >= hits + 2)
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }

            testTask "a change that repeats an endpoint name is refused as at start-up, and the running config stays" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let apiUrl, token = "http://127.0.0.1:9/api/v1", "dry-token-0005"

                let path =
                    dir.Write(
                        "config.yml",
                        config apiUrl token [ endpoint "a" (target.Url "/a") 1; endpoint "b" (target.Url "/b") 2 ]
                    )

                use running = start [ "run"; path; "--dry-run" ] []
                do! waitFor running "a and b are checked" (fun () -> target.Hits "/a" >= 2 && target.Hits "/b" >= 2)

                let repeated =
                    config apiUrl token [ endpoint "a" (target.Url "/a") 1; endpoint "a" (target.Url "/c") 2 ]

                replace path repeated

                do!
                    waitFor running "the rejection is logged" (fun () ->
                        running.Output.Contains "the running config stays")

                let expected =
                    "endpoints[1].name (line 12, col 11): \"a\" is already the name of endpoints[0] (line 2, col 11)"

                Expect.stringContains running.Output expected "names the repeat and the first use"
                let hits = target.Hits "/b"

                do!
                    waitFor running "b, dropped by the refused config, is still checked" (fun () ->
                        target.Hits "/b" >= hits + 2)

                Expect.equal (target.Hits "/c") 0 "the refused config's endpoint never starts"
                Expect.isFalse running.HasExited "the daemon keeps running"
                // Start-up refuses the same file with the same error.
                let! code, output = run [ "run"; path; "--dry-run" ] [] (seconds 30.0)
                Expect.equal code 2 $"start-up refuses it\n{output}"
                Expect.stringContains output expected "with the same error"
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
            }

            testTask "SIGHUP reloads, and a new token fixes writes that Cachet rejected with 401" {
                use dir = new TempDir()
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let! (cachet: FakeCachet) = FakeCachet.StartAsync()
                use _ = cachet
                cachet.AddToken "old-token-0003"
                cachet.AddToken "new-token-0004"
                let a = cachet.AddComponent("a", 1)

                let path =
                    dir.Write(
                        "config.yml",
                        config cachet.BaseUrl "old-token-0003" [ endpoint "a" (target.Url "/a") a.Id ]
                    )

                use running = start [ "run"; path ] []
                do! waitFor running "start-up reads done" (fun () -> target.Hits "/a" >= 2)
                cachet.RemoveToken "old-token-0003"
                target.Set("/a", TargetBehaviour.WithStatus 503)

                do!
                    waitFor running "the rejected token is logged loudly" (fun () ->
                        running.Output.Contains "rejected the API token")

                Expect.isEmpty (incidentsOf cachet a.Id) "nothing written with the rejected token"
                // Write the new token in place (no rename), then ask for a reload with SIGHUP.
                File.WriteAllText(path, config cachet.BaseUrl "new-token-0004" [ endpoint "a" (target.Url "/a") a.Id ])
                running.Signal SIGHUP

                do!
                    waitFor running "the incident arrives with the new token" (fun () ->
                        not (incidentsOf cachet a.Id).IsEmpty)

                Expect.equal (incidentsOf cachet a.Id).Length 1 "exactly one incident"
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 10.0)
                Expect.equal code (Some 0) "stops cleanly"
                Expect.isFalse (running.Output.Contains "new-token-0004") "the new token is never printed"
                Expect.isFalse (running.Output.Contains "old-token-0003") "nor the old one"
            }
        ]
