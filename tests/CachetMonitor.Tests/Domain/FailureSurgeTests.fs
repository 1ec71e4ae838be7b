/// The all-failing heuristic (`connectivity.all_failing_threshold`) as core steps: no clock, every check's time given.
module CachetMonitor.Tests.Domain.FailureSurgeTests

open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain

let private names n = [ for i in 1..n -> $"e{i}" ]

/// Feeds (endpoint, failed, unix seconds) checks; the changes, in order.
let private feed (surge: FailureSurge) (checks: (string * bool * int64) list) =
    checks
    |> List.mapFold (fun s (name, failed, at) -> FailureSurge.observe name failed at s |> fun (n, c) -> c, n) surge
    |> fun (changes, last) -> List.choose id changes, last

let private fail at name = name, true, at
let private pass at name = name, false, at

[<Tests>]
let cases =
    testList
        "all-failing heuristic: cases"
        [
            test "9 of 10 failing within a minute holds writes; one more round that passes ends it, not believed" {
                let surge = FailureSurge.start 0.9 (names 10)
                let failing = names 9

                let changes, held =
                    feed surge (failing |> List.mapi (fun i n -> fail (100L + int64 i) n))

                Expect.equal changes [ HoldBegins(9, 10) ] "the ninth failure begins the hold"
                Expect.isTrue (FailureSurge.isHolding held) "holding"
                // The next round: every endpoint failing at the start checked once more.
                let changes, after = feed held (failing |> List.map (pass 160L))
                Expect.equal changes [ HoldEnds false ] "the round passed: the hold ends, nothing to believe"
                Expect.isFalse (FailureSurge.isHolding after) "writes go on"
            }
            test "a round that still fails is believed, and no new hold begins until the surge is over" {
                let surge = FailureSurge.start 0.9 (names 5)
                let _, held = feed surge (names 5 |> List.map (fail 10L))
                let changes, believed = feed held (names 5 |> List.map (fail 40L))
                Expect.equal changes [ HoldEnds true ] "believed after one round"
                let changes, still = feed believed (names 5 |> List.map (fail 70L))
                Expect.isEmpty changes "a believed outage is not held again"
                // Over: most recover; a later surge is held again.
                let _, over = feed still (names 5 |> List.map (pass 100L))
                let changes, _ = feed over (names 5 |> List.map (fail 130L))
                Expect.equal changes [ HoldBegins(5, 5) ] "a new surge after recovery"
            }
            test "fewer than five endpoints never hold, even all failing" {
                let changes, _ =
                    feed (FailureSurge.start 0.5 (names 4)) (names 4 |> List.map (fail 1L))

                Expect.isEmpty changes "four endpoints"
            }
            test "failures more than a minute apart do not add up" {
                let checks = names 5 |> List.mapi (fun i n -> fail (int64 i * 30L) n)
                let changes, _ = feed (FailureSurge.start 0.9 (names 5)) checks
                Expect.isEmpty changes "at most two within any minute"
            }
            test "below the threshold nothing is held" {
                let changes, _ =
                    feed (FailureSurge.start 0.9 (names 10)) (names 8 |> List.map (fail 5L))

                Expect.isEmpty changes "8 of 10 < 90 %"
            }
            test "the hold waits for every endpoint that was failing, not just any checks" {
                let _, held =
                    feed (FailureSurge.start 0.9 (names 5)) (names 5 |> List.map (fail 0L))

                let changes, still = feed held [ pass 20L "e1"; pass 25L "e1"; pass 30L "e2" ]
                Expect.isEmpty changes "e3, e4, e5 not yet checked again"
                Expect.isTrue (FailureSurge.isHolding still) "still holding"
            }
            test "a check of an endpoint the config does not have changes nothing" {
                let surge = FailureSurge.start 0.9 (names 5)
                let next, change = FailureSurge.observe "gone" true 0L surge
                Expect.equal (next, change) (surge, None) "ignored"
            }
        ]

let private run =
    gen {
        let! n = Gen.choose (1, 8)
        let! threshold = Gen.elements [ 0.5; 0.8; 0.9; 1.0 ]

        let! checks =
            Gen.listOf (Gen.zip3 (Gen.choose (1, n)) (Gen.elements [ true; false ]) (Gen.choose (0, 30)))

        // Times only move forward: each check `gap` seconds after the previous one.
        let timed =
            checks
            |> List.truncate 200
            |> List.mapFold (fun t (i, failed, gap) -> ($"e{i}", failed, t + int64 gap), t + int64 gap) 0L
            |> fst

        return n, threshold, timed
    }

[<Tests>]
let properties =
    testList
        "all-failing heuristic: properties"
        [
            testProperty "holds begin and end in turn, and a hold begins only with at least five endpoints"
            <| Prop.forAll (Arb.fromGen run) (fun (n, threshold, checks) ->
                let changes, _ = feed (FailureSurge.start threshold (names n)) checks

                changes
                |> List.iteri (fun i change ->
                    match change with
                    | HoldBegins(_, total) ->
                        Expect.isTrue (i % 2 = 0) "a hold begins only when none is on"
                        Expect.isGreaterThanOrEqual total FailureSurge.MinEndpoints "five or more"
                    | HoldEnds _ -> Expect.isTrue (i % 2 = 1) "a hold ends only when one is on"))
            testProperty "a hold ends once every endpoint has been checked once more"
            <| Prop.forAll (Arb.fromGen run) (fun (n, threshold, checks) ->
                let _, surge = feed (FailureSurge.start threshold (names n)) checks

                let last =
                    checks
                    |> List.tryLast
                    |> Option.map (fun (_, _, t) -> t)
                    |> Option.defaultValue 0L

                let round = names n |> List.map (pass (last + 1L))
                let changes, after = feed surge round
                Expect.isFalse (FailureSurge.isHolding after) "not holding after a full round"

                if FailureSurge.isHolding surge then
                    match changes with
                    | [ HoldEnds _ ] -> ()
                    | other -> failtest $"the round should end the hold once: {other}")
        ]
