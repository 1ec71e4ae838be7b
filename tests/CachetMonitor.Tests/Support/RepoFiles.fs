/// The repository's own files and tools, for tests that check what ships (Dockerfile, manifests, package).
module CachetMonitor.Tests.Support.RepoFiles

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets
open CachetMonitor.Tests.Support.MonitorProcess

/// The clone the tests were built from (the folder holding CachetMonitor.sln).
let root = NativeExecutable.root

/// A path under the repository root, from `/`-separated parts.
let path (relative: string) =
    Path.Combine(Array.append [| root |] (relative.Split '/'))

/// Copies a file or a folder (without `bin/` and `obj/`, as `.dockerignore` keeps them out).
let rec copy (source: string) (destination: string) =
    if Directory.Exists source then
        Directory.CreateDirectory destination |> ignore

        for file in Directory.GetFiles source do
            File.Copy(file, Path.Combine(destination, nonNull (Path.GetFileName file)), true)

        for dir in Directory.GetDirectories source do
            match nonNull (Path.GetFileName dir) with
            | "bin"
            | "obj" -> ()
            | name -> copy dir (Path.Combine(destination, name))
    else
        match Path.GetDirectoryName destination with
        | null -> ()
        | parent -> Directory.CreateDirectory parent |> ignore

        File.Copy(source, destination, true)

/// Starts a program with arguments in a working directory and extra environment; output is collected.
let startIn (program: string) (args: string list) (workingDirectory: string) (environment: (string * string) list) =
    startProgram
        program
        args
        (Some workingDirectory)
        (environment |> List.map (fun (name, value) -> name, (value: string | null)))

/// Runs a program to completion (at most `timeout`): exit code (-1 on time-out) and all output.
let runIn program args workingDirectory environment (timeout: TimeSpan) =
    task {
        use running = startIn program args workingDirectory environment
        let! code = running.WaitForExit timeout
        return (code |> Option.defaultValue -1), running.Output
    }
