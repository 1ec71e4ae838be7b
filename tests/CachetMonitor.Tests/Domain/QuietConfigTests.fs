/// The `maintenance`, `connectivity` and `cachet.respect_schedules` keys: read, refused with key and line, warned.
module CachetMonitor.Tests.Domain.QuietConfigTests

open System
open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

/// A config with one endpoint (`api`), a cachet section and the `extra` top-level lines.
let private config (extra: string list) =
    String.concat
        "\n"
        ([ "endpoints:" ]
         @ ConfigText.endpoint []
         @ [ "cachet:"; "  api_url: https://status.example/api/v1"; "  token: t0ken" ]
         @ extra
         @ [ "" ])

let private read extra =
    ConfigParser.read TestTimeZones.lookup (fun _ -> None) (fun _ -> None) (config extra)

let private valid extra =
    match (read extra).Parsed with
    | Ok parsed -> parsed
    | Error errors -> failtest (errors |> List.map ConfigIssue.render |> String.concat "\n")

/// The one error, rendered with its path and line.
let private error extra =
    match (read extra).Parsed with
    | Ok _ -> failtest "expected an error"
    | Error [ one ] -> ConfigIssue.render one
    | Error many -> failtest (many |> List.map ConfigIssue.render |> String.concat "\n")

let private expectError extra (path: string) (line: int) (says: string) =
    let rendered = error extra
    Expect.stringStarts rendered $"{path} (line {line}," "path and line"
    Expect.stringContains rendered says "message"

// The n-th extra line (from 1) is line `beforeExtra + n` (1 "endpoints:" line, 7 endpoint lines, 3 cachet lines).
let private beforeExtra = 11

[<Tests>]
let tests =
    testList
        "config: quiet times"
        [
            test "without the keys: no windows, no guard, schedules respected" {
                let parsed = valid []
                Expect.isEmpty parsed.Config.Maintenance "no windows"
                Expect.isNone parsed.Config.Connectivity "no guard"
                Expect.isTrue parsed.Config.Cachet.RespectSchedules "respect_schedules defaults to true"
            }
            test "a cron window and a one-off window are read" {
                let parsed =
                    valid
                        [
                            "maintenance:"
                            "  - name: nightly deploy"
                            "    cron: \"0 2 * * *\""
                            "    duration: 1h30m"
                            "    timezone: Europe/Berlin"
                            "    endpoints: [api]"
                            "  - name: migration"
                            "    start: 2026-12-01T02:00:00Z"
                            "    end: 2026-12-01T04:00:00+01:00"
                            "    maintenance_status: true"
                        ]

                match parsed.Config.Maintenance with
                | [ nightly; migration ] ->
                    match nightly.When with
                    | Recurring(_, expression, duration, zone) ->
                        Expect.equal expression "0 2 * * *" "cron"
                        Expect.equal duration (TimeSpan.FromMinutes 90.0) "duration"
                        Expect.equal zone.Id "Europe/Berlin" "zone"
                    | Once _ -> failtest "expected a cron window"

                    Expect.equal nightly.Endpoints [ "api" ] "endpoints"
                    Expect.isFalse nightly.ShowMaintenance "maintenance_status defaults to false"

                    match migration.When with
                    | Once(start, finish) ->
                        Expect.equal (finish - start) (TimeSpan.FromHours 1.0) "end carries its own offset"
                    | Recurring _ -> failtest "expected a one-off window"

                    Expect.isEmpty migration.Endpoints "every endpoint"
                    Expect.isTrue migration.ShowMaintenance "maintenance_status"
                | other -> failtest $"expected two windows, got {other.Length}"
            }
            test "time zones come from the lookup the caller gives, not from the machine" {
                let window zone =
                    config
                        [
                            "maintenance:"
                            "  - name: w"
                            "    cron: \"0 2 * * *\""
                            "    duration: 30m"
                            $"    timezone: {zone}"
                        ]

                let mars =
                    TimeZoneInfo.CreateCustomTimeZone("Mars/Olympus", TimeSpan.FromHours 3.0, "Olympus", "Olympus")

                let fake name =
                    if name = "Mars/Olympus" then Some mars else None

                match (ConfigParser.read fake (fun _ -> None) (fun _ -> None) (window "Mars/Olympus")).Parsed with
                | Ok parsed ->
                    match parsed.Config.Maintenance with
                    | [ { When = Recurring(_, _, _, zone) } ] -> Expect.equal zone mars "the lookup's zone"
                    | other -> failtest $"one cron window expected: {other}"
                | Error errors -> failtest (errors |> List.map ConfigIssue.render |> String.concat "\n")

                // The machine knows Europe/Berlin; this lookup does not, so the config is refused.
                Expect.isError
                    ((ConfigParser.read fake (fun _ -> None) (fun _ -> None) (window "Europe/Berlin")).Parsed)
                    "a zone only the machine knows"

                // UTC (the default) needs no lookup.
                Expect.isOk ((ConfigParser.read fake (fun _ -> None) (fun _ -> None) (window "UTC")).Parsed) "UTC"
            }
            test "a cron that is not 5 fields is an error at its line" {
                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    cron: \"0 0 2 * * *\""
                        "    duration: 30m"
                    ]
                    "maintenance[0].cron"
                    (beforeExtra + 3)
                    "5 fields"
            }
            test "a duration without unit, a zone nobody knows and an end before start are errors" {
                expectError
                    [ "maintenance:"; "  - name: w"; "    cron: \"0 2 * * *\""; "    duration: 30" ]
                    "maintenance[0].duration"
                    (beforeExtra + 4)
                    "with units"

                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    cron: \"0 2 * * *\""
                        "    duration: 30m"
                        "    timezone: Mars/Olympus"
                    ]
                    "maintenance[0].timezone"
                    (beforeExtra + 5)
                    "IANA"

                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    start: 2026-12-01T04:00:00Z"
                        "    end: 2026-12-01T02:00:00Z"
                    ]
                    "maintenance[0].end"
                    (beforeExtra + 4)
                    "later than start"
            }
            test "an instant without offset is refused (it would depend on the machine's zone)" {
                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    start: 2026-12-01T02:00:00"
                        "    end: 2026-12-01T03:00:00Z"
                    ]
                    "maintenance[0].start"
                    (beforeExtra + 3)
                    "no offset"
            }
            test "cron with start, cron without duration, and neither are refused" {
                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    cron: \"0 2 * * *\""
                        "    duration: 30m"
                        "    start: 2026-12-01T02:00:00Z"
                        "    end: 2026-12-01T03:00:00Z"
                    ]
                    "maintenance[0].cron"
                    (beforeExtra + 2)
                    "not both"

                expectError
                    [ "maintenance:"; "  - name: w"; "    cron: \"0 2 * * *\"" ]
                    "maintenance[0].duration"
                    (beforeExtra + 2)
                    "required with cron"

                expectError [ "maintenance:"; "  - name: w" ] "maintenance[0].cron" (beforeExtra + 2) "either cron"
            }
            test "a window naming an endpoint that does not exist is an error with a suggestion" {
                expectError
                    [
                        "maintenance:"
                        "  - name: w"
                        "    cron: \"0 2 * * *\""
                        "    duration: 30m"
                        "    endpoints: [apj]"
                    ]
                    "maintenance[0].endpoints[0]"
                    (beforeExtra + 5)
                    "did you mean \"api\""
            }
            test "unknown keys and a timezone on a one-off window are warnings" {
                let parsed =
                    valid
                        [
                            "maintenance:"
                            "  - name: w"
                            "    start: 2026-12-01T02:00:00Z"
                            "    end: 2026-12-01T03:00:00Z"
                            "    timezone: Europe/Berlin"
                            "    endpoint: [api]"
                        ]

                let paths = parsed.Warnings |> List.map (fun w -> w.Path)
                Expect.contains paths "maintenance[0].timezone" "timezone ignored"
                Expect.contains paths "maintenance[0].endpoint" "unknown key"
            }
            test "connectivity: urls of any check kind, defaults for frequency and timeout" {
                let parsed =
                    valid
                        [
                            "connectivity:"
                            "  urls: [\"tcp://1.1.1.1:53\", \"https://www.example.com\"]"
                        ]

                match parsed.Config.Connectivity with
                | Some guard ->
                    Expect.equal guard.Urls [ "tcp://1.1.1.1:53"; "https://www.example.com" ] "urls"
                    Expect.equal guard.FrequencySeconds 30.0 "frequency default"
                    Expect.equal guard.TimeoutSeconds 10.0 "timeout default"
                    Expect.isNone guard.AllFailingThreshold "heuristic off"
                | None -> failtest "expected the guard"
            }
            test "connectivity: the heuristic alone, and its range" {
                let parsed = valid [ "connectivity:"; "  all_failing_threshold: 0.9" ]

                Expect.equal
                    (parsed.Config.Connectivity |> Option.bind (fun c -> c.AllFailingThreshold))
                    (Some 0.9)
                    "threshold"

                expectError
                    [ "connectivity:"; "  all_failing_threshold: 1.5" ]
                    "connectivity.all_failing_threshold"
                    (beforeExtra + 2)
                    "at most 1"
            }
            test "connectivity: an empty guard, a scheme it cannot check and a tcp URL without port are errors" {
                expectError [ "connectivity:"; "  frequency: 10" ] "connectivity.urls" (beforeExtra + 2) "is required"

                expectError
                    [ "connectivity:"; "  urls: [\"ftp://example.com\"]" ]
                    "connectivity.urls[0]"
                    (beforeExtra + 2)
                    "tcp://"

                expectError
                    [ "connectivity:"; "  urls: [\"tcp://example.com\"]" ]
                    "connectivity.urls[0]"
                    (beforeExtra + 2)
                    "has no port"
            }
            test "cachet.respect_schedules: false is read" {
                let text =
                    (config []).Replace("  token: t0ken", "  token: t0ken\n  respect_schedules: false")

                Expect.isFalse (ConfigText.validConfig text).Cachet.RespectSchedules "off"
            }
        ]
