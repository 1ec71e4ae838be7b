namespace CachetMonitor.Domain

open System
open System.Globalization
open System.Text

type Shard =
    private
        {
            Index: int
            Count: int
        }

    override this.ToString() = $"{this.Index}/{this.Count}"

[<RequireQualifiedAccess>]
module Shard =
    let whole = { Index = 0; Count = 1 }

    let create index count =
        if count < 1 then
            Error $"the shard count must be at least 1, not {count}"
        elif index < 0 || index >= count then
            Error $"shard index {index} is out of range for {count} shard(s) (0 to {count - 1})"
        else
            Ok { Index = index; Count = count }

    let index shard = shard.Index

    let count shard = shard.Count

    let render (shard: Shard) = shard.ToString()

    /// Digits only (no sign, no spaces), within int range.
    let private naturalNumber (text: string) =
        match Int32.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture) with
        | true, value -> Some value
        | false, _ -> None

    let parse (text: string) =
        match text.Split '/' with
        | [| index; count |] ->
            match naturalNumber (index.Trim()), naturalNumber (count.Trim()) with
            | Some i, Some n -> create i n
            | _ -> Error $"\"{text}\" is not I/N with whole numbers I and N (e.g. 0/3)"
        | _ -> Error $"\"{text}\" is not of the form I/N (e.g. 0/3)"

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

    let hash (name: string) =
        let mutable h = 14695981039346656037UL

        for b in Encoding.UTF8.GetBytes name do
            h <- (h ^^^ uint64 b) * 1099511628211UL

        h

    let indexOf count name =
        if count < 1 then 0 else int (hash name % uint64 count)

    let owns shard name = indexOf shard.Count name = shard.Index

    let restrict shard (config: Config) =
        { config with
            Endpoints = config.Endpoints |> List.filter (fun e -> owns shard e.Name)
        }

[<Sealed>]
type ShardParseResult internal (parsed: Result<Shard, string>) =
    member _.IsValid = Result.isOk parsed

    member _.TryGetShard
        ([<System.Runtime.InteropServices.Out; System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)>] shard:
            byref<Shard>)
        : bool =
        match parsed with
        | Ok parsed ->
            shard <- parsed
            true
        | Error _ -> false

    member _.Error: string =
        match parsed with
        | Ok _ -> ""
        | Error message -> message
