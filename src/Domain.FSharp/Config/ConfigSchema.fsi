namespace CachetMonitor.Domain

/// The JSON Schema of `config.yml`, made from the key table, for editors (the YAML language server). It checks
/// what one value can say; rules across values (unique names, placeholders every endpoint has, numbers written as
/// strings) are the parser's alone, and any string holding a `$` may be an environment variable.
[<RequireQualifiedAccess>]
module ConfigSchema =
    /// The dialect of the schema.
    [<Literal>]
    val Dialect: string = "https://json-schema.org/draft/2020-12/schema"

    /// The schema as a JSON document.
    val document: unit -> System.Text.Json.Nodes.JsonNode

    /// The schema as indented JSON text, ending with a newline.
    val text: unit -> string
