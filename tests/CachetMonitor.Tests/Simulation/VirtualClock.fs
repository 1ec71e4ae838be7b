namespace CachetMonitor.Tests.Simulation

open System
open System.Threading
open System.Threading.Tasks

/// A timer whose callback is a work item of the simulation loop: it fires only when the loop reaches its time, on
/// the loop's thread, and dies with the process that created it.
type VirtualTimer(loop: SimLoop, callback: TimerCallback, state: obj | null, period: TimeSpan) =
    let owner = loop.Incarnation
    let mutable item: SimItem option = None
    let mutable period = period
    let mutable disposed = false

    /// (Re)schedules the callback `due` from now; `Timeout.InfiniteTimeSpan` leaves it unscheduled.
    member this.Arm(due: TimeSpan) =
        item |> Option.iter (fun pending -> pending.Cancelled <- true)
        item <- None

        if not disposed && due <> Timeout.InfiniteTimeSpan then
            item <- Some(loop.At(loop.Now + max 0L due.Ticks, owner, this.Fire))

    member private this.Fire() =
        item <- None

        if period <> Timeout.InfiniteTimeSpan && period > TimeSpan.Zero then
            this.Arm period

        callback.Invoke state

    interface ITimer with
        member this.Change(due, newPeriod) =
            period <- newPeriod
            this.Arm due
            not disposed

        member this.Dispose() =
            disposed <- true
            this.Arm Timeout.InfiniteTimeSpan

        member this.DisposeAsync() =
            (this :> ITimer).Dispose()
            ValueTask.CompletedTask

/// The virtual clock every component reads: monotonic time is the loop's; the wall clock is that plus an offset the
/// world can step back or forward (as NTP or an operator would), which must change nothing but metric timestamps.
type VirtualClock(loop: SimLoop, epoch: DateTimeOffset) =
    inherit TimeProvider()
    let mutable wallOffset = 0L

    /// Steps the wall clock by `ticks` (negative: back); monotonic time is untouched.
    member _.StepWall(ticks: int64) = wallOffset <- wallOffset + ticks

    override _.GetUtcNow() = epoch.AddTicks(loop.Now + wallOffset)

    override _.GetTimestamp() = loop.Now

    override _.TimestampFrequency = TimeSpan.TicksPerSecond

    override _.LocalTimeZone = TimeZoneInfo.Utc

    override _.CreateTimer(callback, state, dueTime, period) =
        let timer = new VirtualTimer(loop, callback, state, period)
        timer.Arm dueTime
        timer :> ITimer
