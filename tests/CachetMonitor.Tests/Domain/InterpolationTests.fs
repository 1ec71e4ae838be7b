module CachetMonitor.Tests.Domain.InterpolationTests

open Expecto
open CachetMonitor.Domain

let private environment pairs =
    let map = Map.ofList pairs
    fun name -> Map.tryFind name map

let private expanded pairs text =
    match Interpolation.expand (environment pairs) text with
    | Ok result -> result
    | Error errors -> failtest $"expected %s{text} to expand, got %A{errors}"

[<Tests>]
let tests =
    testList
        "Interpolation"
        [
            test "${VAR} is replaced by the variable's value" {
                let result = expanded [ "HOST", "status.example" ] "https://${HOST}/api/v1"
                Expect.equal result.Value "https://status.example/api/v1" "value"
                Expect.isTrue result.FromEnvironment "marked as coming from the environment"
            }

            test "$VAR is replaced up to the first character that cannot be in a name" {
                let result = expanded [ "USER_1", "bob" ] "$USER_1-admin/$USER_1"
                Expect.equal result.Value "bob-admin/bob" "value"
            }

            test "$$ is a literal dollar and does not count as a substitution" {
                let result = expanded [ "X", "nope" ] "cost: $$X"
                Expect.equal result.Value "cost: $X" "value"
                Expect.isFalse result.FromEnvironment "nothing substituted"
            }

            test "a dollar not followed by a name is kept" {
                let result = expanded [] "^a$|b$ $1 ${ ${} ${1A} $"
                Expect.equal result.Value "^a$|b$ $1 ${ ${} ${1A} $" "kept as written"
                Expect.isFalse result.FromEnvironment "nothing substituted"
            }

            test "a text without variables comes back unchanged and not from the environment" {
                let result = expanded [] "plain text"
                Expect.equal result.Value "plain text" "value"
                Expect.isFalse result.FromEnvironment "flag"
            }

            test "a variable set to the empty string is substituted" {
                let result = expanded [ "EMPTY", "" ] "a${EMPTY}b"
                Expect.equal result.Value "ab" "value"
                Expect.isTrue result.FromEnvironment "flag"
            }

            test "each unset variable is named once, in order" {
                match Interpolation.expand (environment [ "SET", "1" ]) "${CACHET_X}$SET$CACHET_Y${CACHET_X}" with
                | Ok _ -> failtest "expected an error"
                | Error errors ->
                    Expect.equal
                        errors
                        [
                            "environment variable CACHET_X is not set"
                            "environment variable CACHET_Y is not set"
                        ]
                        "errors"
            }

            test "a substituted value is not expanded again" {
                let result = expanded [ "A", "${B}"; "B", "no" ] "${A}"
                Expect.equal result.Value "${B}" "single pass"
            }
        ]
