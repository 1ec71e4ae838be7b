namespace CachetMonitor.Domain

open System
open System.Text.Json.Nodes

/// The JSON the schema is written in: nodes, and the patterns for values YAML may give as text.
module internal SchemaJson =
    let obj (pairs: (string * JsonNode) list) : JsonNode =
        let o = JsonObject()

        for name, value in pairs do
            o[name] <- value

        o

    // JsonValue.Create of a string is null only for a null string.
    let str (text: string) : JsonNode = nonNull (JsonValue.Create text)
    let num (value: float) : JsonNode = JsonValue.Create value
    let int (value: int) : JsonNode = JsonValue.Create value

    let arr (items: JsonNode list) : JsonNode =
        let a = JsonArray()

        for item in items do
            a.Add item

        a

    let anyOf (schemas: JsonNode list) = obj [ "anyOf", arr schemas ]

    /// A string that may be an environment variable: its value is checked once substituted.
    let fromEnvironment () =
        obj [ "type", str "string"; "pattern", str @"\$" ]

    let numberText = @"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
    let wholeText = @"^\s*[-+]?\d+\s*$"

    /// A pattern matching `name` in any case (ECMA-262 patterns have no inline flags).
    let anyCase (name: string) =
        name
        |> Seq.map (fun c ->
            if Char.IsLetter c then
                $"[%c{Char.ToUpperInvariant c}%c{Char.ToLowerInvariant c}]"
            else
                Text.RegularExpressions.Regex.Escape(string c))
        |> String.concat ""

    let choicePattern (names: string list) caseless =
        let alternatives =
            names
            |> List.map (fun n ->
                if caseless then
                    anyCase n
                else
                    Text.RegularExpressions.Regex.Escape n)

        let joined = String.Join("|", alternatives)
        $"^\\s*(%s{joined})\\s*$"

    let scalarText () =
        obj [ "type", arr [ str "string"; str "number"; str "boolean" ] ]

    /// A YAML default as JSON (`[]`, `{}`, numbers, booleans, quoted or plain text).
    let defaultValue (text: string) : JsonNode =
        match text with
        | "[]" -> arr []
        | "{}" -> obj []
        | "true" -> JsonValue.Create true
        | "false" -> JsonValue.Create false
        | quoted when quoted.StartsWith "\"" -> str (quoted.Trim '"')
        | plain ->
            match Double.TryParse(plain, Globalization.CultureInfo.InvariantCulture) with
            | true, number -> num number
            | _ -> str plain
