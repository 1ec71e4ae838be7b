/// The executable the process tests run: the native build users run (`dotnet publish src/Host.CSharp -c Release`),
/// published at most once per test run and kept under a hash of its inputs, so what ships is what is tested.
/// CACHET_MONITOR_EXECUTABLE names another one instead (e.g. the JIT apphost beside the tests, for quick loops).
module CachetMonitor.Tests.Support.NativeExecutable

open System
open System.Diagnostics
open System.IO
open System.Security.Cryptography
open System.Text

/// The variable that names an executable to test instead of the native build.
let Variable = "CACHET_MONITOR_EXECUTABLE"

let private name =
    if OperatingSystem.IsWindows() then
        "cachet-monitor.exe"
    else
        "cachet-monitor"

/// The JIT build's apphost, built beside the tests (the project reference).
let apphost = Path.Combine(AppContext.BaseDirectory, name)

/// The clone the tests were built from (the folder holding CachetMonitor.sln).
let root =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "CachetMonitor.sln not found above the test binary"
        | d when File.Exists(Path.Combine(d.FullName, "CachetMonitor.sln")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// Every file the published executable is built from: the two projects (without build output) and the
/// repository-wide build settings.
let private inputs (root: string) =
    let underBuildOutput (relative: string) =
        relative.Split('/', '\\')
        |> Array.exists (fun part -> part = "bin" || part = "obj")

    let sources =
        [ "src/Domain.FSharp"; "src/Host.CSharp" ]
        |> Seq.collect (fun dir -> Directory.EnumerateFiles(Path.Combine(root, dir), "*", SearchOption.AllDirectories))
        |> Seq.map (fun file -> Path.GetRelativePath(root, file))
        |> Seq.filter (underBuildOutput >> not)

    let settings =
        [
            "Directory.Build.props"
            "Directory.Packages.props"
            "global.json"
            "NuGet.Config"
        ]
        |> Seq.filter (fun file -> File.Exists(Path.Combine(root, file)))

    Seq.append settings sources
    |> Seq.sortWith (fun a b -> String.CompareOrdinal(a, b))

/// A short hash of the inputs' names and contents.
let private inputHash (root: string) =
    use hash = IncrementalHash.CreateHash HashAlgorithmName.SHA256

    for relative in inputs root do
        hash.AppendData(Encoding.UTF8.GetBytes(relative.Replace('\\', '/') + "\n"))
        hash.AppendData(File.ReadAllBytes(Path.Combine(root, relative)))

    Convert.ToHexString(hash.GetHashAndReset()).Substring(0, 16).ToLowerInvariant()

/// Runs the README's publish command into `output`; fails with the build's output.
let private publish (root: string) (output: string) =
    let info = ProcessStartInfo "dotnet"

    for arg in
        [
            "publish"
            Path.Combine(root, "src", "Host.CSharp")
            "-c"
            "Release"
            "-o"
            output
            "--nologo"
            // No compiler server or MSBuild node outlives the publish.
            "-p:UseSharedCompilation=false"
        ] do
        info.ArgumentList.Add arg

    info.Environment["MSBUILDDISABLENODEREUSE"] <- "1"
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.UseShellExecute <- false
    use proc = new Process(StartInfo = info)
    let log = StringBuilder()

    let collect (e: DataReceivedEventArgs) =
        match e.Data with
        | null -> ()
        | line -> lock log (fun () -> log.AppendLine line |> ignore)

    proc.OutputDataReceived.Add collect
    proc.ErrorDataReceived.Add collect
    proc.Start() |> ignore
    proc.BeginOutputReadLine()
    proc.BeginErrorReadLine()

    // Native AOT takes minutes on a busy 2-core machine.
    if not (proc.WaitForExit(TimeSpan.FromMinutes 20.0)) then
        proc.Kill true
        failwith $"dotnet publish did not finish in 20 minutes\n{log}"

    proc.WaitForExit()

    if proc.ExitCode <> 0 then
        failwith $"dotnet publish failed ({proc.ExitCode})\n{log}"

/// The native executable for the current sources: published into a folder named by the input hash (beside the
/// tests) unless that folder already holds it; older folders are removed.
let private published () =
    let cache = Path.Combine(AppContext.BaseDirectory, "native")
    let folder = Path.Combine(cache, inputHash root)
    let executable = Path.Combine(folder, name)

    if not (File.Exists executable) then
        eprintfn $"Publishing the native executable for the process tests (once per source change) into {folder}"

        if Directory.Exists cache then
            for old in Directory.GetDirectories cache do
                Directory.Delete(old, true)

        // Published beside its final place and moved there whole, so a half-written folder is never used.
        let staging = folder + ".partial"
        publish root staging
        Directory.Move(staging, folder)

    executable

let private resolved =
    lazy
        (match Environment.GetEnvironmentVariable Variable with
         | null
         | "" -> published ()
         | named -> Path.GetFullPath named)

/// The executable under test (published on first use).
let path () = resolved.Value
