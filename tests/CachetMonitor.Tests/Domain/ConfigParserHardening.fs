/// What `ConfigParserProperties` does not already pin down: every value of a valid config swapped for a value of
/// the wrong type or a huge number (exhaustively, not sampled), huge numbers rejected by path, and alias bombs and
/// oversized documents bounded. Work is measured in bytes allocated, never in seconds (the same on a loaded
/// machine as on a quiet one); the bounds are far below what an expansion or a quadratic path would need.
module CachetMonitor.Tests.Domain.ConfigParserHardening

open System
open System.IO
open Expecto
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private lookup (_: string) : string option = None

let private issuesOf text =
    match ConfigParser.parse TestTimeZones.lookup lookup text with
    | Ok parsed -> parsed.Warnings
    | Error errors -> errors

let private wellFormed = ConfigParserProperties.wellFormed
let private readme = ConfigParserProperties.readmeLines

/// Values of the wrong type, or out of any sane range.
let private swaps =
    [
        "99999999999999999999999999999999"
        "-99999999999999999999999999999999"
        "1e308"
        "1e309"
        "-1e309"
        "2147483648"
        "-2147483649"
        "9223372036854775808"
        "0x7fffffff"
        "[1, 2]"
        "{a: 1}"
        "true"
        "~"
        "\"\""
        "!!binary AAAA"
        "!!timestamp 2001-12-14"
        "!!float .nan"
    ]

/// The README config with the value on `line` (a `key: value` line) replaced by `value`.
let private swapped (line: int) (value: string) =
    readme.Value
    |> Array.mapi (fun i text ->
        match text.IndexOf ": " with
        | at when i = line && at > 0 && not (text.TrimStart().StartsWith "#") -> text.Substring(0, at + 2) + value
        | _ -> text)
    |> String.concat "\n"

/// Bytes allocated on this thread while `f` runs.
let private allocatedBy f =
    let before = GC.GetAllocatedBytesForCurrentThread()
    let result = f ()
    result, GC.GetAllocatedBytesForCurrentThread() - before

let private minimal (endpointExtra: string) =
    "endpoints:\n  - name: api\n    url: example.com\n    method: GET\n    timeout: 1\n    frequency: 5\n"
    + "    component_id: 1\n    expectation: [{type: HTTP_STATUS, status_range: 200-300}]\n"
    + endpointExtra
    + "cachet: {api_url: https://s.example, token: t}\n"

[<Tests>]
let tests =
    testList
        "ConfigParser hardening"
        [
            test "every value of the README config swapped for a wrong type or a huge number parses without throwing" {
                let lines = readme.Value.Length
                let mutable cases = 0
                // Work is measured in bytes allocated, not seconds: the same on a loaded machine as on a quiet one.
                let _, baseline = allocatedBy (fun () -> issuesOf (String.concat "\n" readme.Value))

                for line in 0 .. lines - 1 do
                    for value in swaps do
                        let text = swapped line value
                        cases <- cases + 1
                        let issues, allocated = allocatedBy (fun () -> issuesOf text)
                        Expect.all issues wellFormed $"line {line + 1} = {value}: every issue has a path and position"

                        Expect.isLessThan
                            allocated
                            (10L * baseline)
                            $"line {line + 1} = {value}: no more than 10 times the work of the valid config"

                Expect.isGreaterThan cases 500 "the sweep covered every line"
            }

            test "huge numbers in numeric keys are errors naming the key, never overflows" {
                for key in [ "timeout"; "frequency"; "allowed_fails"; "metric_id" ] do
                    for huge in [ "99999999999999999999999999"; "1e309"; "-1e309" ] do
                        let text = minimal $"    {key}: {huge}\n"

                        let text =
                            if key = "timeout" || key = "frequency" then
                                text.Replace($"    {key}: 1\n", "").Replace($"    {key}: 5\n", "")
                            else
                                text

                        match ConfigParser.parse TestTimeZones.lookup lookup text with
                        | Ok _ -> failtest $"{key}: {huge} was accepted"
                        | Error issues ->
                            Expect.exists
                                issues
                                (fun i -> i.Path = $"endpoints[0].{key}" && wellFormed i)
                                $"{key}: {huge} is named: %A{issues}"
            }

            test "the billion-laughs bomb is rejected within bounded memory as well as time" {
                let levels =
                    [
                        "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
                        for i in 1..9 do
                            let previous = String.Join(", ", List.replicate 10 $"*a{i - 1}")
                            $"a{i}: &a{i} [{previous}]"
                    ]

                let bomb = String.Join("\n", levels) + "\nendpoints: *a9\n"
                let issues, allocated = allocatedBy (fun () -> issuesOf bomb)
                Expect.isLessThan allocated (200L * 1024L * 1024L) "bounded memory: far from the 10^9 expansion"
                Expect.exists issues (fun i -> i.Message.Contains "expands to more than") "rejected as a bomb"
            }

            test "an oversized document (a 1 MB scalar, 5 000 list items) is handled in bounded memory" {
                let longName = String('n', 1024 * 1024)

                let manyHeaders = [ for i in 1..5_000 -> $"      - x{i}" ] |> String.concat "\n"

                for text in
                    [
                        minimal("").Replace("name: api", $"name: {longName}")
                        minimal ($"    action:\n{manyHeaders}\n")
                    ] do
                    let issues, allocated = allocatedBy (fun () -> issuesOf text)
                    Expect.isLessThan allocated (1024L * 1024L * 1024L) "bounded memory"
                    Expect.all issues wellFormed "every issue has a path and position"
            }
        ]
