namespace CachetMonitor.Domain

open System
open System.Globalization
open System.Text.Json

[<RequireQualifiedAccess>]
type JsonStep =
    | Member of name: string
    | Index of index: int

[<Sealed>]
type JsonPath(source: string, steps: JsonStep list) =
    member _.Steps = steps

    override _.Equals other =
        match other with
        | :? JsonPath as o -> o.Steps = steps
        | _ -> false

    override _.GetHashCode() = hash steps
    override _.ToString() = source

type JsonLookupError =
    | NotJson of reason: string
    | MissingPath of found: string

[<RequireQualifiedAccess>]
module JsonPath =
    let private invalid (text: string) reason =
        Error
            $"\"%s{text}\" is not a JSON path (%s{reason}); write names separated by dots and [n] indexes, e.g. components.db.status or items[0].id"

    let parse (text: string) : Result<JsonPath, string> =
        let text = text.Trim()

        // A small scanner: names end at `.` or `[`; `[n]` holds digits only.
        let rec scan (i: int) (afterDot: bool) (acc: JsonStep list) =
            if i = text.Length then
                if afterDot then
                    invalid text "it ends with a dot"
                else
                    Ok(List.rev acc)
            else
                match text[i] with
                | '[' ->
                    match text.IndexOf(']', i) with
                    | -1 -> invalid text "a [ is not closed"
                    | close ->
                        let digits = text.Substring(i + 1, close - i - 1)

                        match Int32.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture) with
                        | true, n when digits.Length > 0 ->
                            let next = close + 1

                            if next < text.Length && text[next] = '.' then
                                scan (next + 1) true (JsonStep.Index n :: acc)
                            elif next < text.Length && text[next] <> '[' then
                                invalid text "a name must follow a dot"
                            else
                                scan next false (JsonStep.Index n :: acc)
                        | _ -> invalid text $"[%s{digits}] is not an index"
                | ']' -> invalid text "a ] without ["
                | '.' -> invalid text "an empty name"
                | _ ->
                    let stop =
                        match text.IndexOfAny([| '.'; '['; ']' |], i) with
                        | -1 -> text.Length
                        | j -> j

                    let step = JsonStep.Member(text.Substring(i, stop - i))

                    if stop < text.Length && text[stop] = '.' then
                        scan (stop + 1) true (step :: acc)
                    else
                        scan stop false (step :: acc)

        if text.Length = 0 then
            invalid text "it is empty"
        else
            scan 0 false [] |> Result.map (fun steps -> JsonPath(text, steps))

    let render (path: JsonPath) = path.ToString()

    let private show (steps: JsonStep list) =
        steps
        |> List.mapi (fun i step ->
            match step with
            | JsonStep.Member name when i = 0 -> name
            | JsonStep.Member name -> "." + name
            | JsonStep.Index n -> $"[%d{n}]")
        |> String.concat ""

    let private text (element: JsonElement) =
        match element.ValueKind with
        | JsonValueKind.String -> element.GetString() |> Option.ofObj |> Option.defaultValue ""
        | _ -> element.GetRawText()

    let tryFind (path: JsonPath) (body: string) : Result<string, JsonLookupError> =
        let rec walk (element: JsonElement) (taken: JsonStep list) (steps: JsonStep list) =
            match steps with
            | [] -> Ok(text element)
            | step :: rest ->
                let next =
                    match step, element.ValueKind with
                    | JsonStep.Member name, JsonValueKind.Object ->
                        match element.TryGetProperty name with
                        | true, child -> Some child
                        | _ -> None
                    | JsonStep.Index n, JsonValueKind.Array when n < element.GetArrayLength() -> Some(element[n])
                    | _ -> None

                match next with
                | Some child -> walk child (step :: taken) rest
                | None -> Error(MissingPath(show (List.rev taken)))

        try
            use document =
                JsonDocument.Parse(body, JsonDocumentOptions(MaxDepth = 256, AllowTrailingCommas = false))

            walk document.RootElement [] path.Steps
        with
        | :? JsonException as e -> Error(NotJson e.Message)
        | :? ArgumentException as e -> Error(NotJson e.Message)
