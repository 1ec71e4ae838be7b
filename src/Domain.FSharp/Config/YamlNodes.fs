namespace CachetMonitor.Domain.ConfigReading

open CachetMonitor.Domain

/// A config's YAML as the readers walk it: compact and immutable, filled from the parser's events in one pass
/// (`YamlLoading`). Every node knows where it starts; an alias is the very node its anchor names (shared, not
/// copied), so a node reached through an alias has the anchored node's position.
[<AutoOpen>]
module internal YamlNodes =
    /// A node of the document. Equality is identity: two nodes are the same only when one is reached through an
    /// alias of the other.
    [<ReferenceEquality>]
    type YamlNode =
        /// A scalar's text (never null), whether it was written plain (not quoted, not a block scalar), and where
        /// it starts.
        | YamlScalar of text: string * plain: bool * line: int * column: int
        /// A list's items in order.
        | YamlSequence of items: YamlNode array * line: int * column: int
        /// A mapping's entries in the order written (no key repeated); `hasMerge`: one key is a plain `<<`.
        | YamlMapping of entries: YamlEntry array * hasMerge: bool * line: int * column: int

    /// A mapping entry: the key's text, the key node (a scalar: keys are screened to be scalars) and the value.
    and [<Struct; NoEquality; NoComparison>] YamlEntry =
        {
            Name: string
            Key: YamlNode
            Value: YamlNode
        }

    /// Where the node starts (1-based).
    let at (node: YamlNode) =
        match node with
        | YamlScalar(_, _, line, column)
        | YamlSequence(_, line, column)
        | YamlMapping(_, _, line, column) -> { Line = line; Column = column }

    /// A scalar's text; "" for a list or mapping.
    let textOf (node: YamlNode) =
        match node with
        | YamlScalar(text, _, _, _) -> text
        | _ -> ""

    /// A plain empty, `~` or `null` scalar: the key counts as absent.
    let isAbsent (node: YamlNode) =
        match node with
        | YamlScalar(text, true, _, _) ->
            match text with
            | ""
            | "~"
            | "null"
            | "Null"
            | "NULL" -> true
            | _ -> false
        | _ -> false

    /// A plain `<<` key: the entry merges the mapping(s) it names.
    let isMergeKey (key: YamlNode) =
        match key with
        | YamlScalar("<<", true, _, _) -> true
        | _ -> false
