module CachetMonitor.Tests.Domain.TemplateTests

open Expecto
open CachetMonitor.Domain

let private parsed source =
    match Template.parse source with
    | Ok template -> template
    | Error e -> failtest $"expected %s{source} to parse, got: %s{e}"

let private values pairs =
    let map = Map.ofList pairs
    fun key -> Map.tryFind key map

let private parseError source =
    match Template.parse source with
    | Ok _ -> failtest $"expected %s{source} to be rejected"
    | Error e -> e

[<Tests>]
let tests =
    testList
        "Template"
        [
            test "a template splits into literals and placeholders in order" {
                Expect.equal
                    (Template.parts (parsed "{name} is down at {url}"))
                    [ Placeholder "name"; Literal " is down at "; Placeholder "url" ]
                    "parts"
            }

            test "rendering replaces each placeholder with its value" {
                let rendered =
                    parsed "{name} ({method} {url}) is unavailable"
                    |> Template.render (values [ "name", "api"; "method", "GET"; "url", "http://x" ])

                Expect.equal rendered "api (GET http://x) is unavailable" "rendered"
            }

            test "doubled braces render as literal braces" {
                let template = parsed "{{literal}} {name} }}"
                Expect.equal (Template.placeholders template) [ "name" ] "only one placeholder"
                Expect.equal (Template.render (values [ "name", "api" ]) template) "{literal} api }" "rendered"
            }

            test "an unknown placeholder is kept as written" {
                Expect.equal (Template.render (values []) (parsed "{missing}!")) "{missing}!" "kept"
            }

            test "placeholders are listed once, in order of first use" {
                Expect.equal (Template.placeholders (parsed "{b}{a}{b}")) [ "b"; "a" ] "distinct"
            }

            test "the source is kept as written" {
                Expect.equal (Template.source (parsed "{{x}} {y}")) "{{x}} {y}" "source"
            }

            test "an unclosed brace is rejected with its position" {
                Expect.stringContains (parseError "abc {name") "unclosed '{' at character 5" "unclosed"
            }

            test "a single closing brace is rejected" {
                Expect.stringContains (parseError "a } b") "single '}' at character 3" "single"
            }

            test "an empty placeholder is rejected" {
                Expect.stringContains (parseError "x {} y") "empty placeholder" "empty"
            }

            test "a brace inside a placeholder is rejected" {
                Expect.stringContains (parseError "{a{b}") "'{' inside a placeholder" "nested"
            }

            test "a text without braces is one literal" {
                Expect.equal (Template.parts (parsed "plain")) [ Literal "plain" ] "literal"
                Expect.equal (Template.parts (parsed "")) [] "empty text has no parts"
            }
        ]
