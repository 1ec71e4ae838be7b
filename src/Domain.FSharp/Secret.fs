namespace CachetMonitor.Domain

[<CustomEquality; NoComparison>]
type Secret =
    private
    | Secret of string

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

[<RequireQualifiedAccess>]
module Secret =
    let create value = Secret value

    let reveal (Secret value) = value
