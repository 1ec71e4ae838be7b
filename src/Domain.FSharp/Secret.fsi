namespace CachetMonitor.Domain

/// A value that must never be printed: its ToString is a fixed mask.
[<CustomEquality; NoComparison>]
type Secret =
    private
    | Secret of string

    override Equals: other: obj | null -> bool

    override GetHashCode: unit -> int

    override ToString: unit -> string

    /// The mask printed wherever a secret would appear.
    static member Mask: string

/// Wrapping and deliberately revealing secrets.
[<RequireQualifiedAccess>]
module Secret =
    /// Wraps a value as a secret.
    val create: value: string -> Secret

    /// The secret's value; call only where it is sent, never where it is printed.
    val reveal: Secret -> string
