namespace CachetMonitor.Domain

open System
open System.Globalization
open System.Text

/// One replica's share of the endpoints: shard `Index` of `Count` (0 ≤ Index < Count).
/// An endpoint belongs to the shard its name hashes to, so N replicas with shards 0/N … (N-1)/N
/// monitor every endpoint exactly once.
type Shard =
    private
        {
            Index: int
            Count: int
        }

    /// The shard as `I/N`, the form `--shard` takes.
    override this.ToString() = $"{this.Index}/{this.Count}"

/// Building shards and deciding which endpoints a shard owns.
[<RequireQualifiedAccess>]
module Shard =
    /// The single shard that owns everything (0/1): what an unsharded monitor runs.
    let whole = { Index = 0; Count = 1 }

    /// Shard `index` of `count`, or an error unless 0 ≤ index < count.
    let create index count =
        if count < 1 then
            Error $"the shard count must be at least 1, not {count}"
        elif index < 0 || index >= count then
            Error $"shard index {index} is out of range for {count} shard(s) (0 to {count - 1})"
        else
            Ok { Index = index; Count = count }

    /// The zero-based index of the shard.
    let index shard = shard.Index

    /// How many shards there are in all.
    let count shard = shard.Count

    /// The shard as `I/N`.
    let render (shard: Shard) = shard.ToString()

    /// Digits only (no sign, no spaces), within int range.
    let private naturalNumber (text: string) =
        match Int32.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture) with
        | true, value -> Some value
        | false, _ -> None

    /// Parses `I/N` (e.g. `0/3`): shard I of N, zero-based.
    let parse (text: string) =
        match text.Split '/' with
        | [| index; count |] ->
            match naturalNumber (index.Trim()), naturalNumber (count.Trim()) with
            | Some i, Some n -> create i n
            | _ -> Error $"\"{text}\" is not I/N with whole numbers I and N (e.g. 0/3)"
        | _ -> Error $"\"{text}\" is not of the form I/N (e.g. 0/3)"

    /// The shard whose index is the trailing `-<ordinal>` of a host name (a StatefulSet pod is
    /// `NAME-0`, `NAME-1`, …), of `count` shards.
    let ofHostname count (hostname: string) =
        let trimmed = hostname.Trim()
        let dash = trimmed.LastIndexOf '-'

        let ordinal =
            if dash < 0 then
                None
            else
                naturalNumber (trimmed.Substring(dash + 1))

        match ordinal with
        | Some i -> create i count
        | None -> Error $"the host name \"{hostname}\" does not end in -<ordinal> (e.g. cachet-monitor-0)"

    /// A stable 64-bit hash of a name: FNV-1a over its UTF-8 bytes, the same in every process and on
    /// every machine (unlike `String.GetHashCode`, which is randomised per process).
    let hash (name: string) =
        let mutable h = 14695981039346656037UL

        for b in Encoding.UTF8.GetBytes name do
            h <- (h ^^^ uint64 b) * 1099511628211UL

        h

    /// The index of the shard, of `count`, that owns the endpoint `name` (0 when count < 1).
    let indexOf count name =
        if count < 1 then 0 else int (hash name % uint64 count)

    /// Whether the shard owns the endpoint `name`.
    let owns shard name = indexOf shard.Count name = shard.Index

    /// The config with only the endpoints this shard owns.
    let restrict shard (config: Config) =
        { config with
            Endpoints = config.Endpoints |> List.filter (fun e -> owns shard e.Name)
        }

/// The outcome of parsing a shard, shaped for C#: the shard, or the reason it is not one.
[<Sealed>]
type ShardParseResult internal (parsed: Result<Shard, string>) =
    /// True when a shard was parsed.
    member _.IsValid = Result.isOk parsed

    /// The shard; throws when <see cref="IsValid"/> is false.
    member _.Shard: Shard =
        match parsed with
        | Ok shard -> shard
        | Error _ -> invalidOp "Not a shard; read Error instead."

    /// Why the text is not a shard; empty when it is one.
    member _.Error: string =
        match parsed with
        | Ok _ -> ""
        | Error message -> message
