namespace CachetMonitor.Domain.CSharp

open CachetMonitor.Domain

/// One error or warning found in a config: the key path, where it is, and what is wrong.
[<Sealed>]
type ConfigProblem internal (issue: ConfigIssue) =
    /// The key path, e.g. <c>endpoints[1].expectation[0].status_range</c>.
    member _.Path = issue.Path

    /// The 1-based line of the key or value in the config text.
    member _.Line = issue.Position.Line

    /// The 1-based column of the key or value in the config text.
    member _.Column = issue.Position.Column

    /// What is wrong; values that came from the environment are already redacted.
    member _.Message = issue.Message

    /// For people: <c>path (line L, col C): message</c>.
    override _.ToString() = ConfigIssue.render issue
