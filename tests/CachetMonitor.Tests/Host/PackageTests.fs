/// `dotnet pack src/Domain.FSharp`: the package's contents and metadata, the C# test project
/// (tests/Domain.CSharp.Tests) run against the packed package, and the C# example of docs/using-the-core.md built
/// against it and run.
module CachetMonitor.Tests.Host.PackageTests

open System
open System.IO
open System.IO.Compression
open System.Xml.Linq
open Expecto
open CachetMonitor.Tests.Domain
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.RepoFiles

let private seconds (s: float) = TimeSpan.FromSeconds s

/// The fenced blocks of a Markdown file with this info string (e.g. "csharp", or "" for plain).
let private fencedBlocks (info: string) (markdown: string) =
    let folder (blocks, current: (string * string list) option) (line: string) =
        match current with
        | None when line.StartsWith "```" -> blocks, Some(line.Substring 3, [])
        | None -> blocks, None
        | Some(kind, lines) when line.TrimEnd() = "```" -> (kind, List.rev lines) :: blocks, None
        | Some(kind, lines) -> blocks, Some(kind, line :: lines)

    markdown.Replace("\r\n", "\n").Split '\n'
    |> Array.fold folder ([], None)
    |> fst
    |> List.rev
    |> List.filter (fun (kind, _) -> kind = info)
    |> List.map (fun (_, lines) -> String.Join("\n", lines))

let private usingTheCore = lazy (File.ReadAllText(path "docs/using-the-core.md"))

/// Packs a copy of the project (the clone's own bin/obj stay untouched): the folder and the .nupkg path. The
/// package folder is `out` in that folder: a NuGet source for the C# consumers below.
let private packed =
    lazy
        (task {
            let dir = new TempDir()
            AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> dir.Delete())

            for file in [ "Directory.Build.props"; "Directory.Packages.props" ] do
                copy (path file) (Path.Combine(dir.Path, file))

            copy (path "src/Domain.FSharp") (Path.Combine(dir.Path, "src", "Domain.FSharp"))
            let output = Path.Combine(dir.Path, "out")

            let! code, log =
                runIn
                    "dotnet"
                    [ "pack"; "src/Domain.FSharp"; "-c"; "Release"; "-o"; output ]
                    dir.Path
                    []
                    (seconds 240.0)

            Expect.equal code 0 $"dotnet pack succeeds\n{log}"
            return dir.Path, Directory.GetFiles(output, "*.nupkg") |> Array.exactlyOne
        })

let private entries (nupkg: string) =
    use zip = ZipFile.OpenRead nupkg
    zip.Entries |> Seq.map _.FullName |> Set.ofSeq

let private nuspec (nupkg: string) =
    use zip = ZipFile.OpenRead nupkg

    let entry = zip.Entries |> Seq.find (fun e -> e.FullName.EndsWith ".nuspec")

    use stream = entry.Open()
    let doc = XDocument.Load stream

    let metadata =
        doc.Root
        |> nonNull
        |> _.Elements()
        |> Seq.find (fun e -> e.Name.LocalName = "metadata")

    let value (name: string) =
        metadata.Elements()
        |> Seq.tryFind (fun e -> e.Name.LocalName = name)
        |> Option.map _.Value

    let dependencies =
        metadata.Descendants()
        |> Seq.filter (fun e -> e.Name.LocalName = "dependency")
        |> Seq.map (fun e -> (nonNull (e.Attribute(XName.Get "id"))).Value)
        |> Set.ofSeq

    value, dependencies

/// A C# program of its own on the packed package (found in the folder `source`), with its own package folder so a
/// re-packed core is never served stale.
let private consumerProject (source: string) (version: string) =
    $"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestoreAdditionalProjectSources>{source}</RestoreAdditionalProjectSources>
    <RestorePackagesPath>packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CachetMonitor.Domain" Version="{version}" />
  </ItemGroup>
</Project>
"""

/// xunit's summary line: `Total: N, Errors: E, Failed: F, …`.
let private xunitSummary (output: string) =
    let m =
        Text.RegularExpressions.Regex.Match(output, @"Total: (\d+), Errors: (\d+), Failed: (\d+)")

    if m.Success then
        Some(int m.Groups[1].Value, int m.Groups[2].Value + int m.Groups[3].Value)
    else
        None

[<Tests>]
let tests =
    testList
        "package"
        [
            testTask "dotnet pack makes a package with the assembly, its XML docs and the README" {
                let! _, nupkg = packed.Value
                let files = entries nupkg

                for expected in
                    [
                        "lib/net10.0/CachetMonitor.Domain.dll"
                        "lib/net10.0/CachetMonitor.Domain.xml"
                        "README.md"
                    ] do
                    Expect.contains files expected $"holds {expected}"
            }

            testTask "the package's metadata names it, licenses it MIT and lists its dependencies" {
                let! _, nupkg = packed.Value
                let value, dependencies = nuspec nupkg
                Expect.equal (value "id") (Some "CachetMonitor.Domain") "id"
                Expect.isSome (value "version") "version"
                Expect.isSome (value "authors") "authors"
                Expect.isSome (value "description") "description"
                Expect.equal (value "license") (Some "MIT") "license expression"
                Expect.equal (value "readme") (Some "README.md") "readme"
                Expect.stringContains (value "tags" |> Option.defaultValue "") "cachet" "tags"

                Expect.equal
                    dependencies
                    (set [ "Cronos"; "FSharp.Core"; "FsToolkit.ErrorHandling"; "YamlDotNet" ])
                    "its package dependencies"
            }

            testTask "the C# test project passes against the packed package" {
                let! packDir, _ = packed.Value
                let project = Path.Combine(packDir, "tests", "Domain.CSharp.Tests")
                copy (path "tests/Domain.CSharp.Tests") project
                let source = Path.Combine(packDir, "out")

                let! code, output =
                    runIn
                        "dotnet"
                        [ "run"; "--project"; project; $"-p:CorePackageSource={source}" ]
                        packDir
                        []
                        (seconds 300.0)

                Expect.equal code 0 $"the C# tests build and pass\n{output}"

                match xunitSummary output with
                | Some(total, failed) ->
                    Expect.equal failed 0 $"no C# test fails\n{output}"
                    Expect.isGreaterThanOrEqual total 10 "the C# tests ran"
                | None -> failtest $"xunit printed no summary\n{output}"
            }

            testTask
                "the C# example of docs/using-the-core.md builds against the packed package and prints what it shows" {
                let! packDir, nupkg = packed.Value
                let value, _ = nuspec nupkg
                let consumer = Path.Combine(packDir, "consumer")
                Directory.CreateDirectory consumer |> ignore

                // Nothing from the folders above leaks into this project.
                File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />")
                File.WriteAllText(Path.Combine(consumer, "Directory.Packages.props"), "<Project />")

                File.WriteAllText(
                    Path.Combine(consumer, "Consumer.csproj"),
                    consumerProject (Path.Combine(packDir, "out")) (Option.get (value "version"))
                )

                let example = fencedBlocks "csharp" usingTheCore.Value |> List.exactlyOne
                File.WriteAllText(Path.Combine(consumer, "Program.cs"), example)
                let config = Path.Combine(consumer, "config.yml")
                File.WriteAllText(config, FacadeTests.exampleConfig)

                let! code, output =
                    runIn "dotnet" [ "run"; "--project"; consumer; "--"; config ] consumer [] (seconds 180.0)

                Expect.equal code 0 $"the example builds and runs\n{output}"

                let documented =
                    fencedBlocks "" usingTheCore.Value
                    |> List.find (fun block -> block.StartsWith "fail:")
                    |> _.TrimEnd().Split('\n')
                    |> List.ofArray

                let printed =
                    (output: string).Split('\n')
                    |> Array.map (fun (l: string) -> l.TrimEnd())
                    |> Array.filter (fun l -> l.StartsWith "fail:" || l.StartsWith "pass" || l.StartsWith "  ")
                    |> List.ofArray

                Expect.equal printed documented "the output the documentation shows"
                Expect.equal (FacadeTests.runExample FacadeTests.exampleConfig) documented "the F# calls agree"
            }
        ]
