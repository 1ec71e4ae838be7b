namespace CachetMonitor.Domain

open System

/// A maintenance schedule as read from Cachet (2.4 `GET /schedules`; 3.x `GET /schedules`).
type CachetSchedule =
    {
        Id: int
        Name: string
        /// 0 upcoming, 1 in progress, 2 complete, when Cachet says.
        Status: int option
        ScheduledAt: DateTimeOffset option
        CompletedAt: DateTimeOffset option
        /// The components it is attached to.
        ComponentIds: int list
    }

/// Which schedules are in progress, and the components they quiet.
[<RequireQualifiedAccess>]
module CachetSchedule =
    /// Complete (2) never is; in progress (1) always is; otherwise it is between `scheduled_at` and `completed_at`.
    let inProgress (now: DateTimeOffset) (schedule: CachetSchedule) =
        match schedule.Status with
        | Some 2 -> false
        | Some 1 -> true
        | _ ->
            match schedule.ScheduledAt, schedule.CompletedAt with
            | Some starts, Some ends -> starts <= now && now < ends
            | Some starts, None -> starts <= now
            | None, _ -> false

    /// The components attached to a schedule in progress at `now`.
    let componentsInProgress (now: DateTimeOffset) (schedules: CachetSchedule list) : Set<int> =
        schedules
        |> List.filter (inProgress now)
        |> List.collect (fun s -> s.ComponentIds)
        |> Set.ofList
