namespace CachetMonitor.Domain

/// The reference tables of `docs/configuration.md`, made from the key table (the committed file is checked
/// against them).
[<RequireQualifiedAccess>]
module ConfigReference =
    /// The table of one section's keys.
    val table: section: ConfigSection -> string

    /// The sections as the reference lists them, each with its heading.
    val sections: (ConfigSection * string) list

    /// Replaces the text between `<!-- generated: NAME -->` and `<!-- end generated -->` for each section with its
    /// table; the rest of the document is kept as written.
    val regenerate: document: string -> string
