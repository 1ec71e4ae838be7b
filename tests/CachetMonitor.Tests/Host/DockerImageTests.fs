/// No Docker engine runs here, so the image is tested through what it runs: the build stage's commands are
/// executed as written on a copy of the build context, and the published binary is started the way the
/// image's entry point starts it (its working directory, its config path, its arguments, its health check).
module CachetMonitor.Tests.Host.DockerImageTests

open System
open System.IO
open System.Text.Json
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.RepoFiles
open CachetMonitor.Tests.Support

/// One Dockerfile instruction: its keyword (upper case) and the rest of the line, continuations joined.
type Instruction = { Keyword: string; Arguments: string }

/// A build stage: its base image, its `AS` name and its instructions.
type Stage =
    {
        From: string
        Name: string
        Instructions: Instruction list
    }

/// Parses a Dockerfile into stages (comments and blank lines dropped, `\` continuations joined).
let parseDockerfile (text: string) =
    let lines =
        text.Replace("\r\n", "\n").Split '\n'
        |> Array.filter (fun l -> not (l.TrimStart().StartsWith '#'))
        |> Array.fold
            (fun (acc: string list, pending: string) (line: string) ->
                let joined = pending + line.Trim()

                if joined.EndsWith '\\' then
                    acc, joined.TrimEnd('\\') + " "
                else
                    joined :: acc, "")
            ([], "")
        |> fst
        |> List.rev
        |> List.filter (fun l -> l <> "")

    let instructions =
        lines
        |> List.map (fun line ->
            match line.IndexOf ' ' with
            | -1 ->
                {
                    Keyword = line.ToUpperInvariant()
                    Arguments = ""
                }
            | i ->
                {
                    Keyword = line.Substring(0, i).ToUpperInvariant()
                    Arguments = line.Substring(i + 1).Trim()
                })

    instructions
    |> List.fold
        (fun (stages: Stage list) instruction ->
            match instruction.Keyword, stages with
            | "FROM", _ ->
                let words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)

                let name =
                    if words.Length = 3 && words[1].ToUpperInvariant() = "AS" then
                        words[2]
                    else
                        ""

                {
                    From = words[0]
                    Name = name
                    Instructions = []
                }
                :: stages
            | _, current :: rest ->
                { current with
                    Instructions = current.Instructions @ [ instruction ]
                }
                :: rest
            | _, [] -> failwith $"{instruction.Keyword} before FROM")
        []
    |> List.rev

/// The arguments of every instruction with this keyword in the stage.
let argumentsOf keyword (stage: Stage) =
    stage.Instructions
    |> List.filter (fun i -> i.Keyword = keyword)
    |> List.map _.Arguments

/// An exec-form (JSON array) argument list.
let execForm (text: string) =
    match JsonSerializer.Deserialize<string array> text with
    | null -> failwith $"not an exec-form array: {text}"
    | words -> List.ofArray words

/// A shell-form RUN split into words (the test asserts it has no shell syntax, so this is exact).
let words (text: string) =
    text.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray

let private dockerfile =
    lazy (parseDockerfile (File.ReadAllText(path "Dockerfile")))

let private buildStage () =
    dockerfile.Value |> List.find (fun s -> s.Name = "build")

let private runtimeStage () = dockerfile.Value |> List.last

let private single keyword stage =
    argumentsOf keyword stage |> List.exactlyOne

let private entryPoint () =
    execForm (single "ENTRYPOINT" (runtimeStage ()))

let private command () =
    execForm (single "CMD" (runtimeStage ()))

/// The HEALTHCHECK's exec-form command (after its options).
let private healthCheck () =
    let text = single "HEALTHCHECK" (runtimeStage ())

    match text.IndexOf "CMD [" with
    | -1 -> failwith $"the health check is not exec form: {text}"
    | i -> execForm (text.Substring(i + 4))

/// What the image listens on, and the address the tests use instead (tests bind 127.0.0.1 only).
let private imageListen = "0.0.0.0:9090"

let private seconds (s: float) = TimeSpan.FromSeconds s

/// Where an absolute image path lands in the test's stand-in for the image's file system.
let private underRoot (fileSystem: string) (imagePath: string) =
    Path.Combine(fileSystem, imagePath.TrimStart '/')

/// Runs the build stage on a copy of the context in `fileSystem`: WORKDIR, ENV, COPY and RUN as written.
let private runBuildStage (fileSystem: string) =
    task {
        let mutable workdir = "/"
        let mutable environment = [ "CI", "true" ]
        let log = Text.StringBuilder()

        for instruction in (buildStage ()).Instructions do
            match instruction.Keyword with
            | "WORKDIR" ->
                workdir <- instruction.Arguments
                Directory.CreateDirectory(underRoot fileSystem workdir) |> ignore
            | "ENV" ->
                for pair in words instruction.Arguments do
                    match pair.Split('=', 2) with
                    | [| name; value |] -> environment <- environment @ [ name, value ]
                    | _ -> failwith $"ENV {pair}: use NAME=value"
            | "COPY" ->
                let parts = words instruction.Arguments
                let destination = List.last parts
                let target = Path.Combine(underRoot fileSystem workdir, destination)

                for source in parts |> List.take (parts.Length - 1) do
                    let source = path (source.TrimEnd '/')
                    // A folder's contents land in the destination; files keep their names in a folder.
                    let into =
                        if Directory.Exists source then
                            target
                        elif destination.EndsWith '/' then
                            Path.Combine(target, nonNull (Path.GetFileName source))
                        else
                            target

                    copy source into
            | "RUN" ->
                let command =
                    words instruction.Arguments
                    |> List.map (fun w -> if w.StartsWith '/' then underRoot fileSystem w else w)

                let! code, output =
                    // Native AOT takes minutes on a busy 2-core machine.
                    runIn command.Head command.Tail (underRoot fileSystem workdir) environment (seconds 1200.0)

                log.AppendLine(output) |> ignore
                Expect.equal code 0 $"RUN {instruction.Arguments} succeeds\n{output}"
            | other -> failwith $"the test cannot replay {other} in the build stage; teach it or drop it"

        return log.ToString()
    }

/// One publish for the whole list: the image's file system stand-in, deleted when the process ends.
let private image =
    lazy
        (task {
            let dir = new TempDir()
            AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> dir.Delete())
            let! _ = runBuildStage dir.Path
            return dir.Path
        })

let private configFor (target: TargetServer) =
    ScenarioSupport.config
        "http://127.0.0.1:1/api/v1"
        "docker-test-token"
        [
            ScenarioSupport.endpointYaml "api" (target.Url "/health") 1 ScenarioSupport.statusExpectation
        ]
        []

[<Tests>]
let tests =
    testList
        "Docker image"
        [
            test "the build stage restores in locked mode for linux-x64 and publishes the native executable into /app" {
                let stage = buildStage ()

                Expect.equal
                    stage.From
                    "mcr.microsoft.com/dotnet/sdk:10.0-noble-aot"
                    "the .NET 10 SDK with the native toolchain"

                Expect.equal
                    (argumentsOf "RUN" stage |> List.map words)
                    [
                        [
                            "dotnet"
                            "restore"
                            "src/Host.CSharp/Host.CSharp.csproj"
                            "-r"
                            "linux-x64"
                            "--locked-mode"
                        ]
                        [
                            "dotnet"
                            "publish"
                            "src/Host.CSharp"
                            "-c"
                            "Release"
                            "-r"
                            "linux-x64"
                            "--no-restore"
                            "-o"
                            "/app"
                        ]
                    ]
                    "the commands the publish test runs"

                for run in argumentsOf "RUN" stage do
                    for shellSyntax in [ "&&"; "|"; ";"; "\""; "'"; "$"; ">" ] do
                        Expect.isFalse (run.Contains shellSyntax) $"RUN {run} is plain words (no {shellSyntax})"
            }

            test "every project the image restores has the linux-x64 RID in its lock file" {
                Expect.stringContains
                    (File.ReadAllText(path "Directory.Build.props"))
                    "<RuntimeIdentifiers>linux-x64</RuntimeIdentifiers>"
                    "the RID is declared for every project"

                for project in [ "Domain.FSharp"; "Host.CSharp" ] do
                    Expect.stringContains
                        (File.ReadAllText(path $"src/{project}/packages.lock.json"))
                        "\"net10.0/linux-x64\""
                        $"{project}'s lock file"
            }

            test
                "the runtime stage is the chiseled runtime-deps 10 image (no .NET runtime), runs as $APP_UID in /usr/src/app" {
                let stage = runtimeStage ()

                Expect.equal
                    stage.From
                    "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled"
                    "chiseled, native dependencies only"

                Expect.equal (single "USER" stage) "$APP_UID" "non-root"
                Expect.equal (single "WORKDIR" stage) "/usr/src/app" "the original's working directory"

                Expect.equal
                    (argumentsOf "COPY" stage)
                    [
                        "--from=build /app/cachet-monitor /app/cachet-monitor"
                        "--from=build /usr/share/zoneinfo /usr/share/zoneinfo"
                    ]
                    "the executable, and the time zone database the chiseled base lacks (maintenance windows' timezone)"

                Expect.equal (single "EXPOSE" stage) "9090" "the listener's port"
            }

            test
                "the entry point runs the daemon on config/config.yml with the listener on, and the health check needs no shell" {
                Expect.equal (entryPoint ()) [ "/app/cachet-monitor" ] "the executable, exec form"

                Expect.equal
                    (command ())
                    [ "run"; "--listen"; imageListen ]
                    "run with the listener (no path: config/config.yml)"

                Expect.equal
                    (healthCheck ())
                    [ "/app/cachet-monitor"; "health"; "http://127.0.0.1:9090/healthz" ]
                    "the binary probes its own /healthz on the listener's port"
            }

            test ".dockerignore keeps build output, tests, local configs and git out of the context" {
                let ignored =
                    File.ReadAllLines(path ".dockerignore") |> Array.map _.Trim() |> Set.ofArray

                for pattern in [ "**/bin/"; "**/obj/"; "tests/"; "*.yml"; ".git/" ] do
                    Expect.contains ignored pattern $"ignores {pattern}"
            }

            testTask
                "the build stage's commands, run as written on a copy of the context, publish one native executable" {
                let! fileSystem = image.Value
                let executable = underRoot fileSystem (entryPoint ()).Head
                Expect.isTrue (File.Exists executable) $"{executable} exists"
                let folder = Path.GetDirectoryName executable |> nonNull

                Expect.isFalse
                    (File.Exists(Path.Combine(folder, "packages.lock.json")))
                    "the lock file is not published"

                Expect.isFalse
                    (File.Exists(Path.Combine(folder, "cachet-monitor.dll")))
                    "no managed assembly: the code is compiled in"

                // An ELF file (not a script), with nothing managed beside it.
                let magic = File.ReadAllBytes(executable) |> Array.take 4
                Expect.equal magic [| 0x7Fuy; byte 'E'; byte 'L'; byte 'F' |] "a native executable"
            }

            testTask
                "the published binary, started like the entry point, runs config/config.yml, is healthy and stops on SIGTERM with 0" {
                let! fileSystem = image.Value
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                let workdir = underRoot fileSystem (single "WORKDIR" (runtimeStage ()))
                let configDir = Path.Combine(workdir, "config")
                Directory.CreateDirectory configDir |> ignore
                let config = Path.Combine(configDir, "config.yml")
                File.WriteAllText(config, configFor target)
                // Mounted `:ro` in the image.
                File.SetUnixFileMode(
                    config,
                    UnixFileMode.UserRead ||| UnixFileMode.GroupRead ||| UnixFileMode.OtherRead
                )

                let listen = $"127.0.0.1:{freePort ()}"
                let entry = entryPoint ()

                let args =
                    entry.Tail @ command ()
                    |> List.map (fun a -> if a = imageListen then listen else a)

                use running =
                    startIn (underRoot fileSystem entry.Head) (args @ [ "--dry-run" ]) workdir []

                let! probed = eventually (seconds 20.0) (fun () -> target.Hits "/health" >= 2)
                Expect.isTrue probed $"the endpoint of config/config.yml is probed\n{running.Output}"
                let health = healthCheck ()

                let healthArgs =
                    health.Tail
                    |> List.map (fun a -> a.Replace(imageListen.Replace("0.0.0.0", "127.0.0.1"), listen))

                let mutable healthy = false
                let deadline = DateTime.UtcNow + seconds 15.0

                while not healthy && DateTime.UtcNow < deadline do
                    let! code, _ =
                        runIn (underRoot fileSystem health.Head) healthArgs workdir [] (seconds 10.0)

                    healthy <- code = 0

                    if not healthy then
                        do! Task.Delay 200

                Expect.isTrue healthy $"the HEALTHCHECK command passes\n{running.Output}"
                running.Signal SIGTERM
                let! code = running.WaitForExit(seconds 15.0)
                Expect.equal code (Some 0) $"SIGTERM exits 0\n{running.Output}"
                Expect.isFalse (running.Output.Contains "docker-test-token") "the token is never printed"
            }

            testTask "health exits 0 on a 200, 1 on any other status or when nothing listens" {
                let! (target: TargetServer) = TargetServer.StartAsync()
                use _ = target
                target.Set("/healthz", TargetBehaviour.WithBody "healthy")
                let! ok, okOutput = run [ "health"; target.Url "/healthz" ] [] (seconds 20.0)
                Expect.equal ok 0 $"200 is healthy\n{okOutput}"
                target.Set("/healthz", TargetBehaviour.WithStatus 503)
                let! failing, _ = run [ "health"; target.Url "/healthz" ] [] (seconds 20.0)
                Expect.equal failing 1 "503 is unhealthy"

                let! unreachable, output =
                    run [ "health"; $"http://127.0.0.1:{freePort ()}/healthz" ] [] (seconds 20.0)

                Expect.equal unreachable 1 "nothing listening is unhealthy"
                Expect.stringContains output "unreachable" "says why"
                let! bad, _ = run [ "health"; "not a url" ] [] (seconds 20.0)
                Expect.equal bad 2 "a bad URL is a usage error"
            }
        ]
