namespace CachetMonitor.Domain

open System
open Cronos

/// When a maintenance window is open.
type WindowTime =
    /// From each occurrence of a 5-field cron expression, in a time zone, for `duration` (elapsed time).
    | Recurring of cron: CronExpression * expression: string * duration: TimeSpan * timeZone: TimeZoneInfo
    /// Once: from `start` (inclusive) to `finish` (exclusive).
    | Once of start: DateTimeOffset * finish: DateTimeOffset

/// A planned quiet time (`maintenance:` item): checks go on, but nothing worse than Cachet shows is written.
type MaintenanceWindow =
    {
        Name: string
        When: WindowTime
        /// The endpoints it covers, by name; empty: every endpoint.
        Endpoints: string list
        /// Cachet 3: show the components as under maintenance (status 6) while the window is open.
        ShowMaintenance: bool
    }

/// Window arithmetic: which windows are open at an instant, and until when.
[<RequireQualifiedAccess>]
module Maintenance =
    /// When the occurrence of the window that covers `now` closes, if one does.
    let openUntil (now: DateTimeOffset) (window: MaintenanceWindow) : DateTimeOffset option =
        match window.When with
        | Once(start, finish) -> if start <= now && now < finish then Some finish else None
        | Recurring(cron, _, duration, zone) ->
            let nowUtc = now.UtcDateTime
            // The first occurrence after `now - duration` covers `now` when it is not later than `now`.
            let ticks = max (DateTime.MinValue.Ticks + 1L) (nowUtc.Ticks - duration.Ticks)
            let from = DateTime(ticks, DateTimeKind.Utc)

            match cron.GetNextOccurrence(from, zone, false) |> Option.ofNullable with
            | Some start when start <= nowUtc -> Some(DateTimeOffset(start).Add duration)
            | _ -> None

    /// Whether the window is open at `now`.
    let isOpen now window = (openUntil now window).IsSome

    /// Whether the window covers the endpoint.
    let covers (endpoint: string) (window: MaintenanceWindow) =
        window.Endpoints.IsEmpty || List.contains endpoint window.Endpoints

    /// The windows open at `now` that cover the endpoint, in config order.
    let openFor (windows: MaintenanceWindow list) (now: DateTimeOffset) (endpoint: string) =
        windows |> List.filter (fun w -> covers endpoint w && isOpen now w)

    /// A window's schedule as the config writes it (for logs and `check`).
    let describe (window: MaintenanceWindow) =
        match window.When with
        | Recurring(_, expression, duration, zone) -> $"cron \"{expression}\" for {duration} ({zone.Id})"
        | Once(start, finish) -> $"""{start.ToString("o")} to {finish.ToString("o")}"""
