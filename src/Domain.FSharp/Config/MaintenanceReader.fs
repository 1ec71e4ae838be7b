namespace CachetMonitor.Domain.ConfigReading

open System
open System.Globalization
open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open Cronos
open CachetMonitor.Domain

/// The `maintenance` items: when each window is open and which endpoints it covers.
[<AutoOpen>]
module internal MaintenanceReader =
    let cronExpression (value: Scalar) =
        let text = value.Text.Trim()
        let fields = text.Split([| ' '; '\t' |], StringSplitOptions.RemoveEmptyEntries)

        let invalid =
            $"{shown value} is not a cron expression of 5 fields (minute hour day month weekday)"

        if fields.Length <> 5 then
            Error invalid
        else
            match CronExpression.TryParse(text, CronFormat.Standard) with
            | true, cron -> Ok(cron, text)
            | _ -> Error invalid

    let private durationPattern =
        Regex(@"^(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m)?(?:(\d{1,9})s)?$", RegexOptions.CultureInvariant)

    /// `30m`, `2h`, `1h30m`, `90s`, `1d`: greater than zero, at most `limit` seconds.
    let duration (limit: float) (value: Scalar) =
        let found = durationPattern.Match(value.Text.Trim().ToLowerInvariant())

        let part (i: int) =
            if found.Groups[i].Success then
                float (Int64.Parse(found.Groups[i].Value, CultureInfo.InvariantCulture))
            else
                0.0

        if value.Text.Trim() = "" || not found.Success then
            Error $"{shown value} is not a duration (write it with units: 30m, 2h, 1h30m, 90s, 1d)"
        else
            let seconds = part 1 * 86400.0 + part 2 * 3600.0 + part 3 * 60.0 + part 4

            if seconds <= 0.0 then
                Error $"{shown value} must be longer than zero"
            elif seconds > limit then
                Error $"{shown value} must be at most {limit / 86400.0} days"
            else
                Ok(TimeSpan.FromSeconds seconds)

    /// A time zone by its IANA name, as the caller's zone lookup knows it (the host gives the system's). UTC, the
    /// default, needs no lookup: a caller's lookup without it must not refuse every window that names no zone.
    let timeZone (timeZones: string -> TimeZoneInfo option) (value: Scalar) =
        match value.Text.Trim() with
        | "UTC"
        | "Etc/UTC" -> Ok TimeZoneInfo.Utc
        | name ->
            match timeZones name with
            | Some zone -> Ok zone
            | None ->
                Error
                    $"{shown value} is not a time zone this machine knows (write an IANA name such as Europe/Berlin, or UTC)"

    let private offsetPattern =
        Regex(@"(Z|z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)

    /// An ISO 8601 date and time with its offset: without one the instant would depend on the machine's zone.
    let instant (value: Scalar) =
        let text = value.Text.Trim()

        match DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None) with
        | true, parsed when offsetPattern.IsMatch text -> Ok parsed
        | true, _ -> Error $"{shown value} has no offset (add Z for UTC, or +01:00 and the like)"
        | _ -> Error $"{shown value} is not an ISO 8601 date and time (e.g. 2026-12-01T02:00:00Z)"

    let private endpointName lookup (names: string list) path node =
        readWith
            lookup
            (fun value ->
                if List.contains value.Text names then
                    Ok value.Text
                else
                    Error $"{shown value} is not the name of an endpoint{didYouMean names value.Text}")
            path
            node

    let private needs (w: Section) key message =
        Error [ issue (child w.Path key) w.Position message ]

    /// Either `cron` with `duration`, or `start` with `end` (after it).
    let private windowTime (w: Section) cron duration zone start finish : Validation<WindowTime, ConfigIssue> =
        match cron, duration, start, finish with
        | Some _, _, Some _, _
        | Some _, _, _, Some _ -> needs w "cron" "a window has either cron (with duration) or start and end, not both"
        | Some(expression, text), Some length, None, None -> Ok(Recurring(expression, text, length, zone))
        | Some _, None, None, None -> needs w "duration" "is required with cron (e.g. 30m or 2h)"
        | None, Some _, _, _ -> needs w "duration" "applies to cron windows only (a start/end window lasts until end)"
        | None, None, Some(opens: DateTimeOffset), Some(closes: DateTimeOffset) ->
            if closes > opens then
                Ok(Once(opens, closes))
            else
                match tryFind w "end" with
                | Some node -> fail (child w.Path "end") node "must be later than start"
                | None -> needs w "end" "must be later than start"
        | None, None, Some _, None -> needs w "end" "is required with start"
        | None, None, None, Some _ -> needs w "start" "is required with end"
        | None, None, None, None ->
            needs w "cron" "is required: a window needs either cron and duration, or start and end"

    let window timeZones lookup (names: string list) path node =
        node
        |> mapping
            (Some ConfigSection.Maintenance)
            "with a name, and cron and duration or start and end"
            (fun w ->
                validation {
                    let! name = required w "name" (readText lookup)
                    and! cron = optional w "cron" (readWith lookup cronExpression)

                    and! duration =
                        optional w "duration" (readWith lookup (duration ConfigKeys.MaxWindowSeconds))

                    and! zone = value w "timezone" (readWith lookup (timeZone timeZones))
                    and! start = optional w "start" (readWith lookup instant)
                    and! finish = optional w "end" (readWith lookup instant)

                    and! endpoints =
                        value w "endpoints" (listOf "endpoint name" false (endpointName lookup names))

                    and! show = value w "maintenance_status" (readWith lookup boolean)
                    return name, cron, duration, zone, start, finish, endpoints, show
                }
                |> Result.bind (fun (name, cron, duration, zone, start, finish, endpoints, show) ->
                    windowTime w cron duration zone start finish
                    |> Result.map (fun time ->
                        {
                            Name = name
                            When = time
                            Endpoints = endpoints
                            ShowMaintenance = show
                        })))
            path

    /// The endpoint names the config gives (for the windows' `endpoints` lists).
    let endpointNames lookup (endpoints: Section list) =
        endpoints
        |> List.choose (fun ep ->
            tryFind ep "name"
            |> Option.bind (fun node -> scalar lookup (child ep.Path "name") node |> Result.toOption)
            |> Option.map (fun value -> value.Text))
