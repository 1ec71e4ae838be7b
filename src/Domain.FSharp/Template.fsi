namespace CachetMonitor.Domain

/// A piece of a message template: literal text or a `{placeholder}`.
type TemplatePart =
    | Literal of string
    | Placeholder of string

/// A message template in Python `str.format` syntax: `{name}` placeholders, `{{`/`}}` literal braces.
type Template =
    private
        {
            Source: string
            Parts: TemplatePart list
        }

/// Parsing and rendering message templates.
[<RequireQualifiedAccess>]
module Template =
    /// Parses a template; an error names the first malformed brace.
    val parse: source: string -> Result<Template, string>

    /// The template's text as written.
    val source: template: Template -> string

    /// The template's parts, in order.
    val parts: template: Template -> TemplatePart list

    /// The distinct placeholder names, in order of first use.
    val placeholders: template: Template -> string list

    /// Renders the template; a placeholder the lookup does not know is kept as written.
    val render: lookup: (string -> string option) -> template: Template -> string
