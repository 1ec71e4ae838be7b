namespace CachetMonitor.Domain

/// A value that must never be printed: its ToString is a fixed mask.
[<CustomEquality; NoComparison>]
type Secret =
    private
    | Secret of string

    /// The mask printed wherever a secret would appear.
    static member Mask = "***"

    override _.ToString() = Secret.Mask

    override this.Equals other =
        match other with
        | :? Secret as o ->
            let (Secret a) = this
            let (Secret b) = o
            a = b
        | _ -> false

    override this.GetHashCode() =
        let (Secret a) = this
        hash a

/// Wrapping and deliberately revealing secrets.
[<RequireQualifiedAccess>]
module Secret =
    /// Wraps a value as a secret.
    let create value = Secret value

    /// The secret's value; call only where it is sent, never where it is printed.
    let reveal (Secret value) = value
