namespace CachetMonitor.Domain

/// A 1-based line and column in the config text.
type Position = { Line: int; Column: int }

/// One problem found in a config: where, and what.
type ConfigIssue =
    {
        /// The key path, e.g. `endpoints[1].expectation[0].status_range`.
        Path: string
        Position: Position
        /// What is wrong; values that came from the environment are already redacted.
        Message: string
    }

/// Rendering config problems for people.
[<RequireQualifiedAccess>]
module ConfigIssue =
    /// `path (line L, col C): message`.
    let render issue =
        $"%s{issue.Path} (line %d{issue.Position.Line}, col %d{issue.Position.Column}): %s{issue.Message}"

/// A valid config and the warnings found on the way.
type ParsedConfig =
    {
        Config: Config
        Warnings: ConfigIssue list
    }
