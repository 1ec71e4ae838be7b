/// Runs the real `cachet-monitor` executable (the published native one) and talks to it like a user.
module CachetMonitor.Tests.Support.MonitorProcess

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Threading.Tasks

[<DllImport("libc", SetLastError = true)>]
extern int kill(int pid, int signal)

/// SIGTERM and SIGINT on Linux.
let SIGTERM = 15
let SIGINT = 2

/// The executable under test: the published native one (see NativeExecutable).
let executable () = NativeExecutable.path ()

/// A running monitor process and everything it printed so far.
type Running(proc: Process, output: ConcurrentQueue<string>) =
    member _.Process = proc

    /// Everything printed on stdout and stderr so far, in arrival order.
    member _.Output = String.Join("\n", output)

    member _.HasExited = proc.HasExited

    /// Sends a signal (SIGTERM by default).
    member _.Signal(?signal: int) =
        kill (proc.Id, defaultArg signal SIGTERM) |> ignore

    /// Waits for the exit; the exit code, or None after the timeout (the process is then killed).
    member _.WaitForExit(timeout: TimeSpan) =
        task {
            use cts = new System.Threading.CancellationTokenSource(timeout)

            try
                do! proc.WaitForExitAsync(cts.Token)
                // Let the asynchronous output readers finish.
                proc.WaitForExit()
                return Some proc.ExitCode
            with :? OperationCanceledException ->
                proc.Kill true
                return None
        }

    member _.Stop() =
        if not proc.HasExited then
            proc.Kill true
            proc.WaitForExit(5000) |> ignore

        proc.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Stop()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            this.Stop()
            ValueTask.CompletedTask

/// How a test starts a program (in `workingDirectory`, if given) with the given extra environment (a null value
/// removes a variable) and its output redirected. A test never inherits a real token, shard or AWS credentials.
let private startInfo
    (program: string)
    (args: string list)
    (workingDirectory: string option)
    (environment: (string * string | null) list)
    =
    let info = ProcessStartInfo(program)
    workingDirectory |> Option.iter (fun dir -> info.WorkingDirectory <- dir)
    args |> List.iter info.ArgumentList.Add
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.RedirectStandardInput <- true
    info.UseShellExecute <- false

    for name in
        [
            "CACHET_TOKEN"
            "CACHET_API_URL"
            "CACHET_MONITOR_CONFIG"
            "CACHET_MONITOR_SHARD"
            "AWS_ACCESS_KEY_ID"
            "AWS_SECRET_ACCESS_KEY"
            "AWS_SESSION_TOKEN"
            "AWS_PROFILE"
        ] do
        info.Environment.Remove name |> ignore

    info.Environment["AWS_EC2_METADATA_DISABLED"] <- "true"
    // Builds started by a test leave no MSBuild nodes behind.
    info.Environment["MSBUILDDISABLENODEREUSE"] <- "1"

    for name, value in environment do
        match value with
        | null -> info.Environment.Remove name |> ignore
        | v -> info.Environment[name] <- v

    info

/// Starts a program as `startInfo` says; its output is collected.
let startProgram
    (program: string)
    (args: string list)
    (workingDirectory: string option)
    (environment: (string * string | null) list)
    =
    let info = startInfo program args workingDirectory environment
    let output = ConcurrentQueue<string>()
    let proc = new Process(StartInfo = info, EnableRaisingEvents = true)

    let collect (e: DataReceivedEventArgs) =
        match e.Data with
        | null -> ()
        | line -> output.Enqueue line

    proc.OutputDataReceived.Add collect
    proc.ErrorDataReceived.Add collect

    if not (proc.Start()) then
        failwith $"{program} did not start"

    proc.BeginOutputReadLine()
    proc.BeginErrorReadLine()
    new Running(proc, output)

/// Starts `cachet-monitor ARGS` with the given extra environment (a null value removes a variable).
let start (args: string list) (environment: (string * string | null) list) =
    startProgram (executable ()) args None environment

/// Starts `cachet-monitor ARGS` with stdout and stderr on pipes that are never read: once a pipe's buffer
/// (64 KiB) is full, every write to it blocks. Its `Output` stays empty.
let startUnread (args: string list) (environment: (string * string | null) list) =
    let program = executable ()

    let proc =
        new Process(StartInfo = startInfo program args None environment, EnableRaisingEvents = true)

    if not (proc.Start()) then
        failwith $"{program} did not start"

    new Running(proc, ConcurrentQueue<string>())

/// A TCP port on 127.0.0.1 with nothing listening on it (free a moment ago).
let freePort () =
    use listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)
    listener.Start()
    let port = (listener.LocalEndpoint :?> System.Net.IPEndPoint).Port
    listener.Stop()
    port

/// Runs `cachet-monitor ARGS` to completion (at most `timeout`): exit code and all output.
let run (args: string list) (environment: (string * string | null) list) (timeout: TimeSpan) =
    task {
        use running = start args environment
        let! code = running.WaitForExit timeout
        return (code |> Option.defaultValue -1), running.Output
    }

/// Polls a condition until it holds or the timeout passes; true when it held.
let eventually (timeout: TimeSpan) (condition: unit -> bool) =
    task {
        let deadline = DateTime.UtcNow + timeout
        let mutable held = condition ()

        while not held && DateTime.UtcNow < deadline do
            do! Task.Delay 50
            held <- condition ()

        return held
    }

/// A temporary folder for config files, deleted on dispose.
type TempDir() =
    let path =
        Path.Combine(Path.GetTempPath(), "cachet-monitor-tests-" + Guid.NewGuid().ToString "N")

    do Directory.CreateDirectory path |> ignore
    member _.Path = path

    /// Writes a file in the folder and returns its path.
    member _.Write(name: string, text: string) =
        let file = Path.Combine(path, name)
        File.WriteAllText(file, text)
        file

    member _.Delete() =
        try
            Directory.Delete(path, true)
        with _ ->
            ()

    interface IDisposable with
        member this.Dispose() = this.Delete()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            this.Delete()
            ValueTask.CompletedTask
