/// Edges found by hostile testing (issue 16), each against the real executable, the fake Cachet and targets on
/// 127.0.0.1: what a user sees when they do something odd but legitimate.
module CachetMonitor.Tests.Host.HostileEdges

open System
open System.IO
open Expecto
open CachetMonitor.Tests.Host.MonitorProcess
open CachetMonitor.Tests.Host.ScenarioSupport

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
