namespace CachetMonitor.Domain.CSharp

open System.Diagnostics.CodeAnalysis
open System.Runtime.InteropServices

/// One replica's share of the endpoints: shard <see cref="Index"/> of <see cref="Count"/>. An endpoint belongs to
/// the shard its name hashes to (the same on every machine), so N replicas with shards 0/N … (N-1)/N monitor every
/// endpoint exactly once.
[<Sealed>]
type Shard private (inner: CachetMonitor.Domain.Shard) =
    static let fromResult
        (parsed: Result<CachetMonitor.Domain.Shard, string>)
        (shard: byref<Shard>)
        (error: byref<string>)
        =
        match parsed with
        | Ok value ->
            shard <- Shard value
            error <- ""
            true
        | Error message ->
            error <- message
            false

    /// The zero-based index of the shard.
    member _.Index = CachetMonitor.Domain.Shard.index inner

    /// How many shards there are in all.
    member _.Count = CachetMonitor.Domain.Shard.count inner

    /// Parses <c>I/N</c> (e.g. <c>0/3</c>, zero-based), the form of <c>--shard</c>; <c>error</c> says why not.
    static member TryParse
        (text: string, [<Out; MaybeNullWhen(false)>] shard: byref<Shard>, [<Out>] error: byref<string>)
        : bool =
        fromResult (CachetMonitor.Domain.Shard.parse text) &shard &error

    /// The shard named by the trailing <c>-ordinal</c> of a host name (a StatefulSet pod), of <c>count</c> shards.
    static member TryOfHostname
        (hostname: string, count: int, [<Out; MaybeNullWhen(false)>] shard: byref<Shard>, [<Out>] error: byref<string>)
        : bool =
        fromResult (CachetMonitor.Domain.Shard.ofHostname count hostname) &shard &error

    /// Whether this shard monitors the endpoint called <c>name</c>.
    member _.Owns(name: string) =
        CachetMonitor.Domain.Shard.owns inner name

    /// The config with only the endpoints this shard owns.
    member _.Restrict(config: MonitorConfig) =
        MonitorConfig(CachetMonitor.Domain.Shard.restrict inner config.Inner)

    /// The shard as <c>I/N</c>.
    override _.ToString() = inner.ToString()
