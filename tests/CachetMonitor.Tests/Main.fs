module CachetMonitor.Tests.Main

open System
open System.IO
open Expecto
open Expecto.Impl

/// Runs every [<Tests>] in this assembly, then writes the `N passed, N failed, N skipped` line CI reads
/// straight to the process's stdout (Expecto swaps Console.Out while it runs).
[<EntryPoint>]
let main argv =
    let mutable summary: TestRunSummary option = None
    let defaults = TestPrinters.defaultPrinter

    let printer =
        { defaults with
            summary =
                fun config run ->
                    async {
                        summary <- Some run
                        do! defaults.summary config run
                    }
        }

    let exitCode = runTestsInAssemblyWithCLIArgs [ CLIArguments.Printer printer ] argv

    use raw = new StreamWriter(Console.OpenStandardOutput())

    match summary with
    | Some run ->
        let failed = run.failed.Length + run.errored.Length
        raw.WriteLine $"%d{run.passed.Length} passed, %d{failed} failed, %d{run.ignored.Length} skipped"
    | None -> raw.WriteLine "0 passed, 1 failed"

    raw.Flush()
    exitCode
