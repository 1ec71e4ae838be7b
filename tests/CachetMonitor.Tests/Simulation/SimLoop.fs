namespace CachetMonitor.Tests.Simulation

open System
open System.Collections.Generic

/// One piece of work waiting in the simulation's queue.
type SimItem(at: int64, owner: int, run: unit -> unit) =
    /// When it runs, in virtual ticks (100 ns) since the start of the run.
    member _.At = at

    /// The process (incarnation) it belongs to; 0 for the world (truths, faults, people, Cachet's own work).
    member _.Owner = owner

    member _.Run = run

    /// A cancelled item (a timer changed or disposed) is skipped when its time comes.
    member val Cancelled = false with get, set

/// The simulation's only source of progress: work items ordered by virtual time (ties in the order they were
/// scheduled), run one at a time on the calling thread. Nothing happens between items, so a run is a pure function
/// of its seed. Items of a process that was killed (an incarnation other than the current one) are skipped.
type SimLoop() =
    let thread = Environment.CurrentManagedThreadId
    let queue = PriorityQueue<SimItem, struct (int64 * int64)>()
    let mutable escaped = false
    let mutable now = 0L
    let mutable sequence = 0L
    let mutable steps = 0L

    /// Virtual ticks since the start of the run.
    member _.Now = now

    /// Items run so far.
    member _.Steps = steps

    /// The process alive now; work it schedules is owned by it.
    member val Incarnation = 1 with get, set

    /// Whether work was ever scheduled from another thread than the loop's: a continuation resumed on the thread
    /// pool (a task with several awaiters, say), which would make the run depend on timing. Refused, and reported.
    member _.Escaped = escaped

    /// Schedules `run` at virtual time `at` (not before now) for `owner`.
    member _.At(at: int64, owner: int, run: unit -> unit) =
        if Environment.CurrentManagedThreadId <> thread then
            escaped <- true
            invalidOp "work scheduled from outside the simulation thread"

        let item = SimItem(max at now, owner, run)
        sequence <- sequence + 1L
        queue.Enqueue(item, struct (item.At, sequence))
        item

    /// Schedules `run` after the work already due now, for the current process.
    member this.Post(run: unit -> unit) =
        this.At(now, this.Incarnation, run) |> ignore

    /// Runs every item due up to `limit` in order, calling `afterEach` after each; then the clock reads `limit`.
    member this.RunUntil(limit: int64, afterEach: unit -> unit) =
        let mutable item = Unchecked.defaultof<SimItem>
        let mutable priority = struct (0L, 0L)

        while queue.TryPeek(&item, &priority) && item.At <= limit do
            queue.Dequeue() |> ignore

            if not item.Cancelled && (item.Owner = 0 || item.Owner = this.Incarnation) then
                now <- item.At
                steps <- steps + 1L
                item.Run()
                afterEach ()

        now <- max now limit

    /// Whether any live item is still due before `limit` (the world is not quiet yet).
    member this.Busy(limit: int64) =
        queue.UnorderedItems
        |> Seq.exists (fun struct (item, _) ->
            not item.Cancelled
            && item.At <= limit
            && (item.Owner = 0 || item.Owner = this.Incarnation))

/// Virtual durations, in ticks.
[<RequireQualifiedAccess>]
module Ticks =
    let ofSeconds (seconds: float) =
        int64 (seconds * float TimeSpan.TicksPerSecond)

    let ofMinutes (minutes: float) = ofSeconds (minutes * 60.0)
    let ofHours (hours: float) = ofMinutes (hours * 60.0)

    let toSeconds (ticks: int64) =
        float ticks / float TimeSpan.TicksPerSecond

    /// `h:mm:ss.fff` for traces.
    let render (ticks: int64) =
        TimeSpan(ticks).ToString(@"d\.hh\:mm\:ss\.fff", Globalization.CultureInfo.InvariantCulture)
