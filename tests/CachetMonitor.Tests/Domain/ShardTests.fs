module CachetMonitor.Tests.Domain.ShardTests

open Expecto
open FsCheck
open CachetMonitor.Domain

let private shard index count =
    match Shard.create index count with
    | Ok s -> s
    | Error message -> failwith message

/// Every shard of `count`.
let private allShards count =
    [ 0 .. count - 1 ] |> List.map (fun i -> shard i count)

let private isErrorContaining (fragment: string) result =
    match result with
    | Ok s -> failwith $"expected an error, got the shard {Shard.render s}"
    | Error(message: string) -> Expect.stringContains message fragment "the error says what is wrong"

[<Tests>]
let tests =
    testList
        "Shard"
        [
            testProperty "for any shard count and any names, every name is owned by exactly one shard"
            <| fun (PositiveInt count) (names: NonEmptyString list) ->
                let count = 1 + count % 64
                let shards = allShards count

                names
                |> List.forall (fun (NonEmptyString name) ->
                    shards |> List.filter (fun s -> Shard.owns s name) |> List.length = 1)

            testProperty "restricting a config to each shard in turn splits its endpoints without loss or overlap"
            <| fun (PositiveInt count) (names: NonEmptyString list) ->
                let count = 1 + count % 16
                let names = names |> List.map _.Get

                let owned =
                    allShards count |> List.collect (fun s -> names |> List.filter (Shard.owns s))

                List.sort owned = List.sort names

            testProperty "a shard renders as I/N and parses back to itself"
            <| fun (PositiveInt count) (NonNegativeInt index) ->
                let s = shard (index % count) count
                Shard.parse (Shard.render s) = Ok s

            testProperty "the single shard 0/1 owns every name"
            <| fun (NonEmptyString name) -> Shard.owns Shard.whole name

            test "FNV-1a 64 matches the published test vectors" {
                Expect.equal (Shard.hash "") 0xcbf29ce484222325UL "empty"
                Expect.equal (Shard.hash "a") 0xaf63dc4c8601ec8cUL "a"
                Expect.equal (Shard.hash "foobar") 0x85944171f73967e8UL "foobar"
            }

            test "the shard of a name is pinned: the same in every process, on every machine" {
                let names = [ "api"; "www"; "web"; "db"; "blog"; "status"; "cdn"; "Ünïcode ✓" ]

                Expect.equal
                    (names |> List.map (Shard.indexOf 3))
                    [ 0; 0; 1; 2; 2; 1; 2; 1 ]
                    "shard indexes for N=3 (a change here reshuffles every deployment)"

                Expect.equal (Shard.hash "Ünïcode ✓") 0xb2ccf364afac5c94UL "the name is hashed as UTF-8"
            }

            test "I/N parses with surrounding spaces and keeps I and N" {
                match Shard.parse " 2 / 5 " with
                | Ok s ->
                    Expect.equal (Shard.index s) 2 "index"
                    Expect.equal (Shard.count s) 5 "count"
                | Error e -> failwith e
            }

            test "an index at or beyond the count is out of range" {
                Shard.parse "3/3" |> isErrorContaining "out of range for 3 shard(s) (0 to 2)"
            }

            test "a count of zero is rejected" { Shard.parse "0/0" |> isErrorContaining "at least 1" }

            test "text that is not I/N is rejected with the expected form" {
                for text in [ ""; "1"; "1/2/3"; "a/3"; "-1/3"; "1/+3"; "1.0/3"; "99999999999/3" ] do
                    match Shard.parse text with
                    | Ok s -> failwith $"\"{text}\" parsed as {Shard.render s}"
                    | Error message -> Expect.stringContains message "I/N" $"\"{text}\": the error names the form"
            }

            test "a StatefulSet pod name gives the shard of its ordinal" {
                Expect.equal (Shard.ofHostname 3 "cachet-monitor-2") (Ok(shard 2 3)) "ordinal 2"
                Expect.equal (Shard.ofHostname 3 "cachet-monitor-0") (Ok(shard 0 3)) "ordinal 0"
            }

            test "a host name without a trailing ordinal, or beyond the count, is rejected" {
                Shard.ofHostname 3 "laptop" |> isErrorContaining "does not end in -<ordinal>"

                Shard.ofHostname 3 "cachet-monitor-"
                |> isErrorContaining "does not end in -<ordinal>"

                Shard.ofHostname 3 "cachet-monitor-a1"
                |> isErrorContaining "does not end in -<ordinal>"

                Shard.ofHostname 3 "cachet-monitor-3" |> isErrorContaining "out of range"
            }

            test "the C# facade parses shards and reports errors without throwing" {
                let parsed = HostInterop.ParseShard "1/3"
                Expect.isTrue parsed.IsValid "valid"
                let found, shard = parsed.TryGetShard()
                Expect.isTrue found "a shard to read"
                Expect.equal (shard.ToString()) "1/3" "renders as I/N"
                Expect.equal parsed.Error "" "no error"
                let bad = HostInterop.ParseShard "x"
                Expect.isFalse bad.IsValid "invalid"
                Expect.stringContains bad.Error "I/N" "the reason"
                Expect.isFalse (fst (bad.TryGetShard())) "no shard to read"

                Expect.isTrue
                    (HostInterop.OwnsEndpoint(shard, "web"))
                    "web hashes to shard 1 of 3 (see the pinned vector)"
            }
        ]
