/// The console log's queue and logger: logging never waits for stderr; what cannot be written is dropped,
/// counted and reported; the lines are Microsoft's console formats, secrets masked.
module CachetMonitor.Tests.Host.LogQueueTests

open System
open System.IO
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open CachetMonitor.Host.Observability
open CachetMonitor.Host.Secrets
open CachetMonitor.Tests.Host.SchedulerTests.Harness

/// An output whose writes block until `Release` (or fail with `Refuse`), keeping what was written.
type private GatedStream() =
    inherit Stream()
    let gate = new ManualResetEventSlim(false)
    let written = new MemoryStream()
    let mutable writes = 0
    let mutable refusing = false

    /// Lets every write through from now on.
    member _.Release() = gate.Set()

    /// Makes every write fail as on a pipe whose reader is gone.
    member _.Refuse() =
        refusing <- true
        gate.Set()

    /// How many writes have begun.
    member _.Writes = Volatile.Read &writes

    /// Everything written so far.
    member _.Text = lock written (fun () -> Encoding.UTF8.GetString(written.ToArray()))

    override _.Write(buffer: byte[], offset: int, count: int) =
        Interlocked.Increment &writes |> ignore
        gate.Wait()

        if refusing then
            raise (IOException "Broken pipe")

        lock written (fun () -> written.Write(buffer, offset, count))

    override _.Flush() = ()
    override _.CanRead = false
    override _.CanSeek = false
    override _.CanWrite = true
    override _.Length = raise (NotSupportedException())

    override _.Position
        with get () = raise (NotSupportedException())
        and set _ = raise (NotSupportedException())

    override _.Read(_: byte[], _: int, _: int) = raise (NotSupportedException())
    override _.Seek(_: int64, _: SeekOrigin) = raise (NotSupportedException())
    override _.SetLength(_: int64) = raise (NotSupportedException())

/// Runs `enqueue` on another thread and fails the test if it has not returned within 5 s.
let private neverBlocks (what: string) (enqueue: unit -> unit) =
    Expect.isTrue (Task.Run(enqueue).Wait(TimeSpan.FromSeconds 5.0)) $"{what} returns without waiting for the output"

let private notice (count: int64) = $"[{count} dropped]\n"

/// A test whose body is a task (`use` in it then takes any IDisposable).
let private testOf name (body: unit -> Task<unit>) = testTask name { do! body () }

[<Tests>]
let tests =
    testList
        "log queue"
        [
            testOf
                "a full queue drops and counts lines without blocking, and says how many once there is room"
                (fun () ->
                    task {
                        use output = new GatedStream()
                        use queue = new LogQueue(output, notice, capacity = 3)
                        queue.Enqueue "first\n"
                        do! waitFor "the writer is stuck writing the first line" (fun () -> output.Writes = 1)

                        neverBlocks "enqueueing 8 lines" (fun () ->
                            for i in 1..8 do
                                queue.Enqueue $"line {i}\n")

                        Expect.equal
                            queue.Dropped
                            5L
                            "the 3 lines the queue holds are kept, the other 5 dropped and counted"

                        output.Release()
                        do! waitFor "the held lines are written" (fun () -> output.Text.Contains "line 3")
                        queue.Enqueue "after\n"
                        do! waitFor "the next line is written" (fun () -> output.Text.Contains "after")

                        Expect.equal
                            output.Text
                            "first\nline 1\nline 2\nline 3\n[5 dropped]\nafter\n"
                            "in order, with one line for the dropped ones before the next"

                        Expect.equal queue.Dropped 5L "the count stays"
                    })

            test "disposing writes what is queued" {
                let output = new GatedStream()
                output.Release()
                let queue = new LogQueue(output, notice)

                for i in 1..100 do
                    queue.Enqueue $"line {i}\n"

                queue.Dispose()
                Expect.stringEnds output.Text "line 100\n" "every line, the last one included"
            }

            test "disposing gives up on an output that is never read, after the grace" {
                use output = new GatedStream()

                let queue =
                    new LogQueue(output, notice, flushGrace = TimeSpan.FromMilliseconds 200.0)

                queue.Enqueue "stuck\n"
                queue.Enqueue "queued\n"
                let clock = Diagnostics.Stopwatch.StartNew()
                queue.Dispose()
                Expect.isLessThan clock.Elapsed (TimeSpan.FromSeconds 2.0) "it does not wait for the output"
                neverBlocks "enqueueing after disposal" (fun () -> queue.Enqueue "late\n")
                output.Release()
            }

            testOf
                "lines an output refuses (its reader is gone) are counted as dropped, and the writer goes on"
                (fun () ->
                    task {
                        use output = new GatedStream()
                        use queue = new LogQueue(output, notice)
                        queue.Enqueue "lost\n"
                        do! waitFor "the write is under way" (fun () -> output.Writes = 1)
                        output.Refuse()
                        do! waitFor "the refused line is counted" (fun () -> queue.Dropped = 1L)
                        neverBlocks "enqueueing" (fun () -> queue.Enqueue "also lost\n")
                        do! waitFor "that one too" (fun () -> queue.Dropped = 2L)
                    })

            test "the lines are Microsoft's text and JSON console formats, secrets masked" {
                for format, expected in
                    [
                        "text", "warn: cachet_monitor.endpoint.api[0] Down: token ***"
                        "json", "\"Category\":\"cachet_monitor.endpoint.api\",\"Message\":\"Down: token ***\""
                    ] do
                    let output = new GatedStream()
                    output.Release()
                    let redactor = SecretRedactor()
                    redactor.Add [ "hunter2-secret" ]
                    let services = ServiceCollection()

                    services.AddLogging(fun logging ->
                        ConsoleLogging.Configure(logging, "Debug", format, redactor, output))
                    |> ignore

                    do
                        use provider = services.BuildServiceProvider()

                        let logger =
                            provider.GetRequiredService<ILoggerFactory>().CreateLogger "cachet_monitor.endpoint.api"

                        logger.LogWarning("Down: token {Token}", "hunter2-secret")
                        logger.LogTrace("below the level")

                    Expect.stringContains output.Text expected $"{format}: {output.Text}"
                    Expect.isFalse (output.Text.Contains "hunter2-secret") $"{format}: the secret is masked"
                    Expect.isFalse (output.Text.Contains "below the level") $"{format}: the level applies"
            }
        ]
