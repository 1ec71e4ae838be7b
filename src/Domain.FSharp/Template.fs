namespace CachetMonitor.Domain

type TemplatePart =
    | Literal of string
    | Placeholder of string

type Template =
    private
        {
            Source: string
            Parts: TemplatePart list
        }

[<RequireQualifiedAccess>]
module Template =
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

    let source template = template.Source

    let parts template = template.Parts

    let placeholders template =
        template.Parts
        |> List.choose (function
            | Placeholder name -> Some name
            | Literal _ -> None)
        |> List.distinct

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
