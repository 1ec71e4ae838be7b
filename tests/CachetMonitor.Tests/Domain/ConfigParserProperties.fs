module CachetMonitor.Tests.Domain.ConfigParserProperties

open System
open System.Diagnostics
open System.IO
open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain
open CachetMonitor.Tests.Support

let private lookup name = if name = "SET" then Some "5" else None

/// Every issue, error or warning, of a parse.
let private issuesOf text =
    match ConfigParser.parse TestTimeZones.lookup lookup text with
    | Ok parsed -> parsed.Warnings
    | Error errors -> errors

/// Every issue carries a path and a 1-based position.
let wellFormed (issue: ConfigIssue) =
    issue.Path.Length > 0 && issue.Position.Line >= 1 && issue.Position.Column >= 1

/// Parsing never throws and every issue has a path and a position.
let private holds text = issuesOf text |> List.forall wellFormed

/// The lines of the original's README example (a fixture).
let readmeLines =
    lazy (File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "original-readme-config.yml")))

let private oddValues =
    [
        "[]"
        "{}"
        "~"
        ""
        "99999999999999999999999999"
        "-1"
        "1e400"
        "0"
        "-0.0"
        ".inf"
        ".nan"
        "NaN"
        "true"
        "&x 5"
        "*x"
        "'"
        "\""
        "\"${UNSET_VAR}\""
        "$SET"
        "[[[[[[["
        "[1, [2, [3]]]"
        "{a: {b: {c: d}}}"
        "!!binary aGVsbG8="
        "|\n  text"
        "'{name'"
        "\"{nope}\""
        "200-100"
        "<<: *x"
    ]

type private Mutation =
    | DropLine of int
    | DuplicateLine of int
    | ReplaceValue of int * string
    | Reindent of int * int

let private mutate (lines: string list) mutation =
    let count = lines.Length

    let valueOf (line: string) (value: string) =
        match line.IndexOf ": " with
        | -1 when line.TrimEnd().EndsWith ":" -> line.TrimEnd() + " " + value
        | -1 -> line.Substring(0, line.Length - line.TrimStart([| ' '; '-' |]).Length) + value
        | i -> line.Substring(0, i + 2) + value

    match mutation with
    | DropLine i -> lines |> List.removeAt (i % count)
    | DuplicateLine i -> lines |> List.insertAt (i % count) lines[i % count]
    | ReplaceValue(i, value) -> lines |> List.updateAt (i % count) (valueOf lines[i % count] value)
    | Reindent(i, by) ->
        lines
        |> List.updateAt (i % count) (String(' ', by) + lines[i % count].TrimStart())

let private mutations =
    let index = Gen.choose (0, 200)

    Gen.oneof
        [
            Gen.map DropLine index
            Gen.map DuplicateLine index
            Gen.map2 (fun i v -> ReplaceValue(i, v)) index (Gen.elements oddValues)
            Gen.map2 (fun i by -> Reindent(i, by)) index (Gen.choose (0, 9))
        ]
    |> Gen.listOf
    |> Gen.map (List.truncate 4)

let private mutatedReadme =
    mutations
    |> Gen.map (fun changes ->
        changes
        |> List.fold mutate (List.ofArray readmeLines.Value)
        |> String.concat "\n")
    |> Arb.fromGen

let private yamlSoup =
    [
        "endpoints:"
        "cachet:"
        "webhooks:"
        "messages:"
        "  "
        "- "
        "\n"
        ": "
        "["
        "]"
        "{"
        "}"
        ","
        "&a "
        "*a"
        "'"
        "\""
        "#"
        "|"
        ">"
        "name: x"
        "${X}"
        "$SET"
        "~"
        "---\n"
        "? "
        "!!str "
        "\t"
        "%YAML 1.2\n"
        "<<: "
        "\\"
        "\u00e9"
        "\r\n"
    ]
    |> Gen.elements
    |> Gen.listOf
    |> Gen.map String.Concat
    |> Arb.fromGen

let private nesting =
    gen {
        let! depth = Gen.choose (1, 3000)
        let! shape = Gen.choose (0, 3)

        let text =
            match shape with
            | 0 -> String.replicate depth "[" + String.replicate depth "]"
            | 1 -> String.replicate depth "{a: " + "b" + String.replicate depth "}"
            | 2 ->
                String.Join("\n", [ for i in 0 .. min depth 400 -> String(' ', 2 * i) + "a:" ])
                + " x"
            | _ ->
                String.Join("\n", [ for i in 0 .. min depth 400 -> String(' ', 2 * i) + "- " ])
                + "x"

        return depth, shape, text
    }
    |> Arb.fromGen

let private actionNames = [ "UPDATE_STATUS"; "CREATE_INCIDENT"; "PUSH_METRICS" ]

let private actionOrders =
    gen {
        let! chosen = Gen.subListOf actionNames
        let! first = Gen.shuffle chosen
        let! second = Gen.shuffle chosen
        return List.ofArray first, List.ofArray second
    }
    |> Arb.fromGen

let private withActions (actions: string list) =
    let listed = String.Join(", ", actions)

    "endpoints:\n  - name: api\n    url: example.com\n    method: GET\n    timeout: 1\n    frequency: 5\n"
    + "    component_id: 1\n    metric_id: 2\n    expectation: [{type: HTTP_STATUS, status_range: 200-300}]\n"
    + $"    action: [%s{listed}]\n"
    + "cachet: {api_url: https://s.example, token: t}\n"

let private config =
    { FsCheckConfig.defaultConfig with
        maxTest = 150
    }

/// The original's "billion laughs": nine levels of ten aliases each.
let private billionLaughs =
    let levels =
        [
            yield "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
            for i in 1..9 do
                let previous = String.Join(", ", List.replicate 10 $"*a%d{i - 1}")
                yield $"a%d{i}: &a%d{i} [%s{previous}]"
        ]

    String.Join("\n", levels) + "\nendpoints: *a9\n"

[<Tests>]
let tests =
    testList
        "ConfigParser properties"
        [
            testPropertyWithConfig config "parsing never throws on any string"
            <| fun (text: string | null) ->
                match text with
                | null -> true
                | text -> holds text

            testPropertyWithConfig config "parsing never throws on YAML-like noise"
            <| Prop.forAll yamlSoup holds

            testPropertyWithConfig config "parsing never throws on mutations of the README config"
            <| Prop.forAll mutatedReadme holds

            testPropertyWithConfig config "deep nesting is rejected beyond the limit, never overflowing"
            <| Prop.forAll nesting (fun (depth, shape, text) ->
                let nested =
                    issuesOf text
                    |> List.exists (fun issue -> issue.Message.Contains "nested more than")

                let effectiveDepth = if shape >= 2 then min depth 400 + 1 else depth
                holds text && (nested = (effectiveDepth > ConfigParser.MaxDepth)))

            testPropertyWithConfig config "the order of actions never changes the config"
            <| Prop.forAll actionOrders (fun (first, second) ->
                let a = ConfigParser.parse TestTimeZones.lookup lookup (withActions first)
                let b = ConfigParser.parse TestTimeZones.lookup lookup (withActions second)
                Result.isOk a && a = b)

            test "a billion-laughs alias bomb is rejected quickly" {
                let clock = Stopwatch.StartNew()
                let outcome = ConfigParser.parse TestTimeZones.lookup lookup billionLaughs
                clock.Stop()
                Expect.isLessThan clock.ElapsedMilliseconds 2000L "finishes quickly"

                match outcome with
                | Ok _ -> failtest "expected the bomb to be rejected"
                | Error [ issue ] -> Expect.stringContains issue.Message "expands to more than" "names the expansion"
                | Error many -> failtest $"%A{many}"
            }

            test "a bomb behind merge keys is rejected too" {
                let text =
                    billionLaughs.Replace("[lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]", "{x: 1}")
                    |> fun t -> t.Replace("endpoints: *a9", "endpoints:\n  - <<: *a9")

                let clock = Stopwatch.StartNew()
                let issues = issuesOf text
                Expect.isLessThan clock.ElapsedMilliseconds 2000L "finishes quickly"
                Expect.exists issues (fun issue -> issue.Message.Contains "expands to more than") "rejected"
            }

            test "aliases that stay small are expanded as usual" {
                let text =
                    "x-endpoint: &ep {name: api, url: example.com, method: GET, timeout: 1, frequency: 5, component_id: 1, expectation: [{type: LATENCY, threshold: 1}]}\n"
                    // Merged with a name each: endpoint names must be unique.
                    + "endpoints: [{<<: *ep, name: a}, {<<: *ep, name: b}, {<<: *ep, name: c}]\n"
                    + "cachet: {api_url: https://s.example, token: t}\n"

                match ConfigParser.parse TestTimeZones.lookup lookup text with
                | Ok parsed -> Expect.equal parsed.Config.Endpoints.Length 3 "three endpoints"
                | Error issues -> failtest $"%A{issues}"
            }
        ]
