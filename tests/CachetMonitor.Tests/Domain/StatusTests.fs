module CachetMonitor.Tests.Domain.StatusTests

open Expecto
open CachetMonitor.Domain

let private range low high =
    match StatusRange.create low high with
    | Ok range -> range
    | Error message -> failwith message

/// Varies the case of each letter of a text by a list of flags.
let private recase (flags: bool list) (text: string) =
    text
    |> Seq.mapi (fun i c ->
        if i < flags.Length && flags[i] then
            System.Char.ToLowerInvariant c
        else
            c)
    |> Seq.toArray
    |> System.String

/// The tests of a one-to-one mapping between a status type and Cachet's codes 0 to 4.
let private codeMapping<'T when 'T: equality>
    (kind: string)
    (toCode: 'T -> int)
    (ofCode: int -> 'T option)
    (all: 'T list)
    (codes: int list)
    =
    [
        testProperty $"every {kind} status survives a trip through its code"
        <| fun (status: 'T) -> ofCode (toCode status) = Some status

        testProperty $"codes {codes}, and only they, map to {kind} statuses and back to themselves"
        <| fun (code: int) ->
            match ofCode code with
            | Some status -> List.contains code codes && toCode status = code
            | None -> not (List.contains code codes)

        test $"the {kind} codes are {codes} in order" { Expect.equal (all |> List.map toCode) codes "codes" }
    ]

[<Tests>]
let tests =
    testList
        "Status"
        [
            testList
                "component status"
                (codeMapping
                    "component"
                    ComponentStatus.toCode
                    ComponentStatus.ofCode
                    ComponentStatus.all
                    [ 0; 1; 2; 3; 4; 6 ])
            testList
                "incident status"
                (codeMapping "incident" IncidentStatus.toCode IncidentStatus.ofCode IncidentStatus.all [ 0..4 ])

            test "investigating is 1 and fixed is 4" {
                Expect.equal (IncidentStatus.toCode Investigating) 1 "investigating"
                Expect.equal (IncidentStatus.toCode Fixed) 4 "fixed"
            }

            testList
                "severity"
                [
                    testProperty "a severity name parses back whatever its case and surrounding spaces"
                    <| fun (severity: Severity) (flags: bool list) ->
                        Severity.tryParse $"  {recase flags (Severity.name severity)} " = Some severity

                    test "lower-case names parse" {
                        Expect.equal (Severity.tryParse "major") (Some Major) "major"
                        Expect.equal (Severity.tryParse "Performance") (Some Performance) "performance"
                        Expect.equal (Severity.tryParse "partial") (Some Partial) "partial"
                    }

                    test "an unknown name does not parse" {
                        Expect.isNone (Severity.tryParse "CRITICAL") "critical"
                        Expect.isNone (Severity.tryParse "") "empty"
                    }

                    test "severities show component statuses 2, 3 and 4" {
                        Expect.equal (Severity.all |> List.map Severity.toCode) [ 2; 3; 4 ] "codes"
                    }

                    testProperty "a severity's component status maps back to the severity"
                    <| fun (severity: Severity) ->
                        Severity.ofComponentStatus (Severity.toComponentStatus severity) = Some severity

                    test "operational, unknown and under maintenance are no severity" {
                        Expect.isNone (Severity.ofComponentStatus Operational) "operational"
                        Expect.isNone (Severity.ofComponentStatus Unknown) "unknown"
                        Expect.isNone (Severity.ofComponentStatus UnderMaintenance) "under maintenance"
                    }

                    test "under maintenance ranks above operational and below every failure (Cachet 3's order)" {
                        let order = ComponentStatus.all |> List.sortBy ComponentStatus.rank

                        Expect.equal
                            order
                            [
                                Unknown
                                Operational
                                UnderMaintenance
                                PerformanceIssues
                                PartialOutage
                                MajorOutage
                            ]
                            "order"
                    }
                ]

            testList
                "status range"
                [
                    test "200-300 holds 200 and 299 but not 300" {
                        let ok = range 200 300
                        Expect.isTrue (StatusRange.contains 200 ok) "200"
                        Expect.isTrue (StatusRange.contains 299 ok) "299"
                        Expect.isFalse (StatusRange.contains 300 ok) "300"
                        Expect.isFalse (StatusRange.contains 199 ok) "199"
                    }

                    test "an empty or reversed range is rejected" {
                        Expect.isError (StatusRange.create 200 200) "200-200"
                        Expect.isError (StatusRange.create 300 200) "300-200"
                    }

                    test "a single code holds only itself" {
                        match StatusRange.single 404 with
                        | Ok single ->
                            Expect.isTrue (StatusRange.contains 404 single) "404"
                            Expect.isFalse (StatusRange.contains 405 single) "405"
                            Expect.equal (StatusRange.render single) "404" "rendered"
                        | Error message -> failtest message
                    }

                    testProperty
                        "a created range holds exactly the codes from its low bound up to, not including, its high"
                    <| fun (a: byte) (b: byte) (code: int) ->
                        let low = 100 + int a * 3
                        let high = min 1000 (low + 1 + int b)
                        let made = range low high
                        StatusRange.contains code made = (low <= code && code < high)

                    testProperty "create accepts a pair exactly when the high bound is above the low one"
                    <| fun (a: byte) (b: byte) ->
                        let low = 100 + int a
                        let high = 100 + int b
                        Result.isOk (StatusRange.create low high) = (high > low)
                ]

            testList
                "latency unit"
                [
                    test "seconds convert into each unit" {
                        Expect.floatClose Accuracy.veryHigh (LatencyUnit.fromSeconds Milliseconds 1.5) 1500.0 "ms"
                        Expect.floatClose Accuracy.veryHigh (LatencyUnit.fromSeconds Seconds 1.5) 1.5 "s"
                        Expect.floatClose Accuracy.veryHigh (LatencyUnit.fromSeconds Minutes 90.0) 1.5 "m"
                        Expect.floatClose Accuracy.veryHigh (LatencyUnit.fromSeconds Hours 5400.0) 1.5 "h"
                    }

                    // Hostile testing found `value=1.0127000000000002` in logs and dry runs (issue 16, item 9).
                    test "a converted latency prints without float noise: rounded to the microsecond in its unit" {
                        let text unit seconds =
                            (LatencyUnit.fromSeconds unit seconds).ToString
                                System.Globalization.CultureInfo.InvariantCulture

                        Expect.equal (text Milliseconds 0.0010127) "1.013" "ms: 3 decimals"
                        Expect.equal (text Milliseconds 0.0012) "1.2" "ms: exact values stay"
                        Expect.equal (text Seconds 0.1234567891) "0.123457" "s: 6 decimals"
                        Expect.equal (text Minutes 0.1) "0.00166667" "m: 8 decimals"
                        Expect.equal (text Hours 0.1) "2.77778E-05" "h: 10 decimals"
                    }

                    testProperty
                        "rounding moves a latency by at most half a microsecond, and leaves at most the unit's decimals"
                    <| fun (micros: uint32) (unit: LatencyUnit) ->
                        let seconds = float micros / 1e6 + 3e-7

                        let perSecond =
                            match unit with
                            | Milliseconds -> 1000.0
                            | Seconds -> 1.0
                            | Minutes -> 1.0 / 60.0
                            | Hours -> 1.0 / 3600.0

                        let value = LatencyUnit.fromSeconds unit seconds

                        abs (value - seconds * perSecond) <= perSecond * 5e-7 + 1e-9
                        && System.Math.Round(value, LatencyUnit.decimals unit) = value

                    test "the original's unit names parse" {
                        let parsed =
                            [ "ms"; "milliseconds"; "s"; "seconds"; "m"; "minutes"; "h"; "hours" ]
                            |> List.map LatencyUnit.tryParse

                        Expect.equal
                            parsed
                            [
                                Some Milliseconds
                                Some Milliseconds
                                Some Seconds
                                Some Seconds
                                Some Minutes
                                Some Minutes
                                Some Hours
                                Some Hours
                            ]
                            "units"

                        Expect.isNone (LatencyUnit.tryParse "days") "days"
                    }
                ]
        ]
