/// Window arithmetic: when a `maintenance` window is open (cron + duration + time zone, or start/end).
module CachetMonitor.Tests.Domain.MaintenanceWindowTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Cronos
open CachetMonitor.Domain

let private zone id = TimeZoneInfo.FindSystemTimeZoneById id

let private recurring (expression: string) (duration: TimeSpan) zoneId =
    {
        Name = "w"
        When = Recurring(CronExpression.Parse expression, expression, duration, zone zoneId)
        Endpoints = []
        ShowMaintenance = false
    }

let private utc (text: string) = DateTimeOffset.Parse text

let private expectOpen window (at: string) =
    Expect.isTrue (Maintenance.isOpen (utc at) window) $"open at {at}"

let private expectClosed window (at: string) =
    Expect.isFalse (Maintenance.isOpen (utc at) window) $"closed at {at}"

/// The reference: every occurrence in the day before, enumerated, and whether one covers `now`.
let private coveredByEnumeration (window: MaintenanceWindow) (now: DateTimeOffset) =
    match window.When with
    | Recurring(cron, _, duration, zone) ->
        cron.GetOccurrences(now.UtcDateTime - duration - TimeSpan.FromDays 1.0, now.UtcDateTime, zone, true, true)
        |> Seq.exists (fun o -> o <= now.UtcDateTime && now.UtcDateTime < o + duration)
    | Once(start, finish) -> start <= now && now < finish

[<Tests>]
let tests =
    testList
        "maintenance windows"
        [
            test "a one-off window is open from start (inclusive) to end (exclusive)" {
                let window =
                    {
                        Name = "once"
                        When = Once(utc "2026-12-01T02:00:00Z", utc "2026-12-01T03:00:00+00:00")
                        Endpoints = []
                        ShowMaintenance = false
                    }

                expectClosed window "2026-12-01T01:59:59Z"
                expectOpen window "2026-12-01T02:00:00Z"
                expectOpen window "2026-12-01T03:59:59+01:00"
                expectClosed window "2026-12-01T03:00:00Z"

                Expect.equal
                    (Maintenance.openUntil (utc "2026-12-01T02:30:00Z") window)
                    (Some(utc "2026-12-01T03:00:00Z"))
                    "open until its end"
            }
            test "a cron window in UTC: every night from 02:00 for 30 minutes" {
                let window = recurring "0 2 * * *" (TimeSpan.FromMinutes 30.0) "UTC"
                expectClosed window "2026-12-01T01:59:59Z"
                expectOpen window "2026-12-01T02:00:00Z"
                expectOpen window "2026-12-01T02:29:59Z"
                expectClosed window "2026-12-01T02:30:00Z"
                expectOpen window "2026-12-02T02:10:00Z"
            }
            test "a cron window is read in its time zone" {
                let window = recurring "0 2 * * *" (TimeSpan.FromMinutes 30.0) "Europe/Berlin"
                // 02:00 in Berlin is 01:00 UTC in winter.
                expectOpen window "2026-12-01T01:10:00Z"
                expectClosed window "2026-12-01T02:10:00Z"
            }
            test "DST: a window that starts in the skipped hour opens at the end of the gap, for its whole duration" {
                // 2026-03-29 in Berlin: 02:00 jumps to 03:00 (01:00 UTC).
                let window = recurring "30 2 * * *" (TimeSpan.FromHours 1.0) "Europe/Berlin"
                expectClosed window "2026-03-29T00:59:59Z"
                expectOpen window "2026-03-29T01:00:00Z"
                expectOpen window "2026-03-29T01:59:59Z"
                expectClosed window "2026-03-29T02:00:00Z"
            }
            test "DST: a window in the repeated hour opens once; one spanning it lasts its elapsed duration" {
                // 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:00–03:00 happens twice.
                let once = recurring "30 2 * * *" (TimeSpan.FromMinutes 30.0) "Europe/Berlin"
                expectOpen once "2026-10-25T00:30:00Z" // the first 02:30 (CEST)
                expectClosed once "2026-10-25T01:00:00Z"
                expectClosed once "2026-10-25T01:40:00Z" // the second 02:30 (CET) opens nothing
                let spanning = recurring "0 2 * * *" (TimeSpan.FromHours 2.0) "Europe/Berlin"
                expectOpen spanning "2026-10-25T00:00:00Z" // 02:00 CEST
                expectOpen spanning "2026-10-25T01:59:59Z"
                expectClosed spanning "2026-10-25T02:00:00Z" // two hours later: 03:00 CET
            }
            testProperty "a cron window is open exactly when an occurrence covers the instant (against enumeration)"
            <| Prop.forAll
                (Arb.fromGen (
                    gen {
                        let! expression =
                            Gen.elements [ "0 2 * * *"; "*/15 * * * *"; "30 1 * * 0"; "0 0 1 * *"; "45 23 * * 1-5" ]

                        let! minutes = Gen.elements [ 1.0; 14.0; 30.0; 90.0; 600.0; 2000.0 ]

                        let! zoneId =
                            Gen.elements [ "UTC"; "Europe/Berlin"; "America/New_York"; "Australia/Lord_Howe" ]
                        // Any minute (and second) within 2026 and 2027, DST changes included.
                        let! offset = Gen.choose (0, 2 * 365 * 24 * 60)
                        let! second = Gen.choose (0, 59)

                        let now =
                            utc("2026-01-01T00:00:00Z").AddMinutes(float offset).AddSeconds(float second)

                        return recurring expression (TimeSpan.FromMinutes minutes) zoneId, now
                    }
                ))
                (fun (window, now) ->
                    Expect.equal
                        (Maintenance.isOpen now window)
                        (coveredByEnumeration window now)
                        (Maintenance.describe window))
            test "a window covers the endpoints it names, or every endpoint" {
                let all = recurring "0 2 * * *" (TimeSpan.FromMinutes 30.0) "UTC"
                let some = { all with Endpoints = [ "api" ] }
                Expect.isTrue (Maintenance.covers "web" all) "every endpoint"
                Expect.isTrue (Maintenance.covers "api" some) "named"
                Expect.isFalse (Maintenance.covers "web" some) "not named"

                Expect.equal
                    (Maintenance.openFor [ all; some ] (utc "2026-12-01T02:00:00Z") "web")
                    [ all ]
                    "open windows for web"
            }
        ]
