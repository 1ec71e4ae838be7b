module CachetMonitor.Tests.Domain.ExpectationTests

open Expecto
open CachetMonitor.Domain

let private ok result =
    match result with
    | Ok value -> value
    | Error message -> failwith message

let private status severity low high =
    {
        Kind = HttpStatus [ ok (StatusRange.create low high) ]
        Severity = severity
    }

let private latency severity threshold =
    {
        Kind = Latency threshold
        Severity = severity
    }

let private regex severity pattern =
    {
        Kind = BodyRegex(ok (RegexPattern.create pattern))
        Severity = severity
    }

let private response code seconds body =
    Responded(Response.http code seconds body)

let private request = "GET http://host/path"

/// Evaluates with the default time-out and unreachable severities.
let private evaluate expectations observation =
    Expectation.evaluate Performance Partial request expectations observation

/// A failure; `observed` is the response's latency and status code, when one arrived.
let private failed severity message (observed: (float * int) option) =
    Failed
        {
            Severity = severity
            Message = message
            LatencySeconds = observed |> Option.map fst
            ResponseStatus = observed |> Option.map snd
            CertificateDaysLeft = None
        }

[<Tests>]
let tests =
    testList
        "Expectation"
        [
            testList
                "transport failures"
                [
                    test "a time-out fails with the time-out severity and no latency" {
                        Expect.equal
                            (evaluate [ status Major 200 300 ] TimedOut)
                            (failed Performance "Request timed out" None)
                            "time-out"
                    }

                    test "an unreachable URL fails with the unreachable severity, naming the request" {
                        Expect.equal
                            (evaluate [ status Major 200 300 ] (Unreachable ""))
                            (failed Partial "The URL is unreachable: GET http://host/path" None)
                            "unreachable"
                    }

                    test "an unreachable URL's transport error stays out of the message (it goes to the log)" {
                        Expect.equal
                            (evaluate [] (Unreachable "Connection refused (127.0.0.1:9)"))
                            (failed Partial "The URL is unreachable: GET http://host/path" None)
                            "the original's sentence"
                    }

                    test "the time-out and unreachable severities are configurable" {
                        let evaluateWith = Expectation.evaluate Major Performance "post http://x/" []

                        Expect.equal (evaluateWith TimedOut) (failed Major "Request timed out" None) "time-out"

                        Expect.equal
                            (evaluateWith (Unreachable ""))
                            (failed Performance "The URL is unreachable: post http://x/" None)
                            "unreachable keeps the method as written"
                    }
                ]

            testList
                "single expectations"
                [
                    test "an unexpected status fails with its code" {
                        Expect.equal
                            (evaluate [ status Partial 200 300 ] (response 503 0.1 ""))
                            (failed Partial "Unexpected HTTP status (503)" (Some(0.1, 503)))
                            "503"
                    }

                    test "the upper bound of a status range is excluded" {
                        Expect.equal
                            (evaluate [ status Partial 200 300 ] (response 300 0.1 ""))
                            (failed Partial "Unexpected HTTP status (300)" (Some(0.1, 300)))
                            "300"
                    }

                    test "a status in any of the ranges passes" {
                        let expectation =
                            {
                                Kind = HttpStatus [ ok (StatusRange.create 200 300); ok (StatusRange.single 404) ]
                                Severity = Major
                            }

                        Expect.equal (evaluate [ expectation ] (response 404 0.2 "")) (Passed 0.2) "404 allowed"

                        Expect.equal
                            (evaluate [ expectation ] (response 500 0.2 ""))
                            (failed Major "Unexpected HTTP status (500)" (Some(0.2, 500)))
                            "500 not allowed"
                    }

                    test "a latency above the threshold fails with the measured value to 4 decimals" {
                        Expect.equal
                            (evaluate [ latency Performance 1.0 ] (response 200 1.23456 ""))
                            (failed Performance "Latency above threshold: 1.2346 seconds" (Some(1.23456, 200)))
                            "slow"
                    }

                    test "a latency equal to the threshold passes" {
                        Expect.equal (evaluate [ latency Performance 0.5 ] (response 200 0.5 "")) (Passed 0.5) "equal"
                    }

                    test "a regex that matches nowhere in the body fails" {
                        Expect.equal
                            (evaluate [ regex Partial "healthy" ] (response 200 0.1 "status: sick"))
                            (failed Partial "Regex did not match anything in the body" (Some(0.1, 200)))
                            "no match"
                    }

                    test "a regex matches anywhere in the body, not only at its start" {
                        Expect.equal
                            (evaluate [ regex Partial "healthy" ] (response 200 0.1 "status: healthy"))
                            (Passed 0.1)
                            "search"
                    }

                    test "a regex dot matches newlines" {
                        Expect.equal
                            (evaluate [ regex Partial "start.*end" ] (response 200 0.1 "start\nmiddle\nend"))
                            (Passed 0.1)
                            "dotall"
                    }

                    test "a Python named group and back-reference work" {
                        let twice = regex Partial "(?P<word>ab)-(?P=word)"
                        Expect.equal (evaluate [ twice ] (response 200 0.1 "xx ab-ab yy")) (Passed 0.1) "match"

                        Expect.equal
                            (evaluate [ twice ] (response 200 0.1 "ab-ba"))
                            (failed Partial "Regex did not match anything in the body" (Some(0.1, 200)))
                            "no match"
                    }

                    test "a regex that runs past its time limit fails instead of stalling" {
                        let catastrophic = regex Major "^(a+)+$"
                        let body = System.String('a', 40) + "!"

                        match evaluate [ catastrophic ] (response 200 0.1 body) with
                        | Failed failure ->
                            Expect.equal failure.Severity Major "severity"
                            Expect.stringStarts failure.Message "Regex timed out on the body" "message"
                        | Passed _ -> failtest "a timed-out regex must not pass"
                    }
                ]

            testList
                "several expectations"
                [
                    test "all passing gives the latency" {
                        let all = [ status Partial 200 300; latency Performance 1.0; regex Partial "ok" ]
                        Expect.equal (evaluate all (response 200 0.25 "ok")) (Passed 0.25) "all pass"
                    }

                    test "the worst failure wins whatever its position" {
                        let all = [ latency Performance 0.1; status Major 200 300 ]

                        Expect.equal
                            (evaluate all (response 500 0.2 ""))
                            (failed Major "Unexpected HTTP status (500)" (Some(0.2, 500)))
                            "major over performance"
                    }

                    test "on a tie the first failing expectation in config order gives the message" {
                        let all = [ status Partial 200 300; regex Partial "ok" ]

                        Expect.equal
                            (evaluate all (response 500 0.2 "bad"))
                            (failed Partial "Unexpected HTTP status (500)" (Some(0.2, 500)))
                            "first"

                        Expect.equal
                            (evaluate (List.rev all) (response 500 0.2 "bad"))
                            (failed Partial "Regex did not match anything in the body" (Some(0.2, 500)))
                            "first, reversed"
                    }

                    test "a passing expectation never hides a failing one" {
                        let all = [ status Partial 200 300; latency Performance 1.0 ]

                        Expect.equal
                            (evaluate all (response 200 2.0 ""))
                            (failed Performance "Latency above threshold: 2.0000 seconds" (Some(2.0, 200)))
                            "latency"
                    }

                    testProperty "the verdict's severity is the worst of the failing expectations"
                    <| fun (severities: Severity list) (code: byte) ->
                        let statusCode = 200 + int code
                        let expectations = severities |> List.map (fun s -> status s 200 300)
                        let verdict = evaluate expectations (response statusCode 0.1 "")

                        match verdict, severities with
                        | Passed _, _ -> statusCode < 300 || List.isEmpty severities
                        | Failed failure, _ :: _ ->
                            statusCode >= 300
                            && Severity.rank failure.Severity = (severities |> List.map Severity.rank |> List.max)
                        | Failed _, [] -> false
                ]
        ]
