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
    =
    [
        testProperty $"every {kind} status survives a trip through its code"
        <| fun (status: 'T) -> ofCode (toCode status) = Some status

        testProperty $"codes 0 to 4, and only they, map to {kind} statuses and back to themselves"
        <| fun (code: int) ->
            match ofCode code with
            | Some status -> code >= 0 && code <= 4 && toCode status = code
            | None -> code < 0 || code > 4

        test $"the {kind} codes are 0 to 4 in order" { Expect.equal (all |> List.map toCode) [ 0..4 ] "codes" }
    ]

[<Tests>]
let tests =
    testList
        "Status"
        [
            testList
                "component status"
                (codeMapping "component" ComponentStatus.toCode ComponentStatus.ofCode ComponentStatus.all)
            testList
                "incident status"
                (codeMapping "incident" IncidentStatus.toCode IncidentStatus.ofCode IncidentStatus.all)

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

                    test "operational and unknown are no severity" {
                        Expect.isNone (Severity.ofComponentStatus Operational) "operational"
                        Expect.isNone (Severity.ofComponentStatus Unknown) "unknown"
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
