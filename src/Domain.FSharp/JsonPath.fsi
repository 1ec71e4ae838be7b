namespace CachetMonitor.Domain

/// One step of a JSON path: a member name or an array index.
[<RequireQualifiedAccess>]
type JsonStep =
    | Member of name: string
    | Index of index: int

/// A `JSON` expectation's `path`: dotted member names with `[n]` indexes (`components.db.status`, `items[0].id`).
[<Sealed>]
type JsonPath =
    member Steps: JsonStep list

    override Equals: other: obj | null -> bool

    override GetHashCode: unit -> int

    /// The path as written.
    override ToString: unit -> string

/// Why a JSON path found no value in a body.
type JsonLookupError =
    /// The body is not a JSON document (with the parser's reason).
    | NotJson of reason: string
    /// The document has no value at the path; `found` is the longest prefix of the path that exists.
    | MissingPath of found: string

/// Parsing paths and finding their value in a body.
[<RequireQualifiedAccess>]
module JsonPath =
    /// Parses `a.b[0].c` (also `[0]`, `a[1][2]`); names may hold any character but `.`, `[` and `]`.
    val parse: text: string -> Result<JsonPath, string>

    /// The path as written.
    val render: path: JsonPath -> string

    /// The text of the value at the path in the JSON body: a string's own text, a number or literal as written
    /// (`42`, `true`, `null`), an object or array as its JSON text. Never throws.
    val tryFind: path: JsonPath -> body: string -> Result<string, JsonLookupError>
