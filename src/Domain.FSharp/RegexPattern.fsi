namespace CachetMonitor.Domain

/// A REGEX expectation's pattern: the text as configured and the compiled .NET regex.
/// Equal when the configured text is equal.
[<CustomEquality; NoComparison>]
type RegexPattern =
    private
        {
            Source: string
            Compiled: System.Text.RegularExpressions.Regex
        }

    override Equals: other: obj | null -> bool

    override GetHashCode: unit -> int

    override ToString: unit -> string

/// Translating Python patterns to .NET and compiling them.
[<RequireQualifiedAccess>]
module RegexPattern =
    /// How long one match may run before the check fails instead of stalling the scheduler.
    val matchTimeout: System.TimeSpan

    /// Rewrites the Python-only syntax `(?P<n>…)` and `(?P=n)` into .NET's `(?<n>…)` and `\k<n>`.
    val translate: pattern: string -> string

    /// Compiles a configured pattern (searching anywhere, `.` matching newlines), or says why it is invalid.
    val create: source: string -> Result<RegexPattern, string>

    /// The pattern as configured.
    val source: pattern: RegexPattern -> string

    /// Whether the pattern matches anywhere in the text; `None` when the match timed out.
    val tryIsMatch: text: string -> pattern: RegexPattern -> bool option

    /// The names of the pattern's capture groups, numbered ones as `1`, `2`, … (the whole match `0` left out).
    val groups: pattern: RegexPattern -> string list

    /// The text the named group captured at the first match: `Some None` when nothing matched (or the group took
    /// no part); `None` when the match timed out.
    val tryCapture: group: string -> text: string -> pattern: RegexPattern -> string option option
