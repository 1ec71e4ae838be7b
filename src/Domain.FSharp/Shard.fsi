namespace CachetMonitor.Domain

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
    override ToString: unit -> string

/// Building shards and deciding which endpoints a shard owns.
[<RequireQualifiedAccess>]
module Shard =
    /// The single shard that owns everything (0/1): what an unsharded monitor runs.
    val whole: Shard

    /// Shard `index` of `count`, or an error unless 0 ≤ index < count.
    val create: index: int -> count: int -> Result<Shard, string>

    /// The zero-based index of the shard.
    val index: shard: Shard -> int

    /// How many shards there are in all.
    val count: shard: Shard -> int

    /// The shard as `I/N`.
    val render: shard: Shard -> string

    /// Parses `I/N` (e.g. `0/3`): shard I of N, zero-based.
    val parse: text: string -> Result<Shard, string>

    /// The shard whose index is the trailing `-<ordinal>` of a host name (a StatefulSet pod is
    /// `NAME-0`, `NAME-1`, …), of `count` shards.
    val ofHostname: count: int -> hostname: string -> Result<Shard, string>

    /// A stable 64-bit hash of a name: FNV-1a over its UTF-8 bytes, the same in every process and on
    /// every machine (unlike `String.GetHashCode`, which is randomised per process).
    val hash: name: string -> uint64

    /// The index of the shard, of `count`, that owns the endpoint `name` (0 when count < 1).
    val indexOf: count: int -> name: string -> int

    /// Whether the shard owns the endpoint `name`.
    val owns: shard: Shard -> name: string -> bool

    /// The config with only the endpoints this shard owns.
    val restrict: shard: Shard -> config: Config -> Config

/// The outcome of parsing a shard, shaped for C#: the shard, or the reason it is not one.
[<Sealed>]
type ShardParseResult =

    internal new: parsed: Result<Shard, string> -> ShardParseResult

    /// Why the text is not a shard; empty when it is one.
    member Error: string

    /// True when a shard was parsed.
    member IsValid: bool

    /// The shard, when the text named one: <c>if (parsed.TryGetShard(out var shard)) …</c>.
    member TryGetShard:
        [<System.Runtime.InteropServices.Out; System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)>] shard: byref<Shard> ->
            bool
