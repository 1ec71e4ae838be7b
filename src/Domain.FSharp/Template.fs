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
    let parse (source: string) : Result<Template, string> =
        let literal (sb: System.Text.StringBuilder) parts =
            if sb.Length = 0 then
                parts
            else
                let text = sb.ToString()
                sb.Clear() |> ignore
                Literal text :: parts

        let rec go i (sb: System.Text.StringBuilder) parts =
            if i >= source.Length then
                Ok(List.rev (literal sb parts))
            else
                match source[i] with
                | '{' when i + 1 < source.Length && source[i + 1] = '{' -> go (i + 2) (sb.Append '{') parts
                | '}' when i + 1 < source.Length && source[i + 1] = '}' -> go (i + 2) (sb.Append '}') parts
                | '{' ->
                    let close = source.IndexOf('}', i + 1)

                    if close < 0 then
                        Error $"unclosed '{{' at character %d{i + 1}"
                    else
                        let name = source.Substring(i + 1, close - i - 1)

                        if name.Length = 0 then
                            Error $"empty placeholder '{{}}' at character %d{i + 1}"
                        elif name.IndexOf '{' >= 0 then
                            Error $"'{{' inside a placeholder at character %d{i + 1}"
                        else
                            let parts = literal sb parts
                            go (close + 1) sb (Placeholder name :: parts)
                | '}' -> Error $"single '}}' at character %d{i + 1} (write '}}}}' for a literal brace)"
                | c -> go (i + 1) (sb.Append c) parts

        go 0 (System.Text.StringBuilder()) []
        |> Result.map (fun parts -> { Source = source; Parts = parts })

    /// The template's text as written.
    let source template = template.Source

    /// The template's parts, in order.
    let parts template = template.Parts

    /// The distinct placeholder names, in order of first use.
    let placeholders template =
        template.Parts
        |> List.choose (function
            | Placeholder name -> Some name
            | Literal _ -> None)
        |> List.distinct

    /// Renders the template; a placeholder the lookup does not know is kept as written.
    let render (lookup: string -> string option) template =
        let sb = System.Text.StringBuilder()

        for part in template.Parts do
            match part with
            | Literal text -> sb.Append text |> ignore
            | Placeholder name ->
                match lookup name with
                | Some value -> sb.Append value |> ignore
                | None -> sb.Append('{').Append(name).Append('}') |> ignore

        sb.ToString()
