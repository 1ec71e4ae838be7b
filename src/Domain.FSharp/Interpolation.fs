namespace CachetMonitor.Domain

/// A config value after `${VAR}` substitution.
type Interpolated =
    {
        /// The text with every variable replaced.
        Value: string
        /// Whether any variable was substituted (the value must then be redacted in messages).
        FromEnvironment: bool
    }

/// `${VAR}` / `$VAR` substitution in config values through an injected variable lookup.
[<RequireQualifiedAccess>]
module Interpolation =
    let private isNameStart c =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c = '_'

    let private isNameChar c = isNameStart c || (c >= '0' && c <= '9')

    /// The end (exclusive) of the variable name starting at `start`, or `start` when there is none.
    let private nameEnd (text: string) start =
        if start < text.Length && isNameStart text[start] then
            let mutable i = start + 1

            while i < text.Length && isNameChar text[i] do
                i <- i + 1

            i
        else
            start

    let private substitute (lookup: string -> string option) (text: string) : Result<Interpolated, string list> =
        let sb = System.Text.StringBuilder()

        let rec go i substituted (unset: string list) =
            if i >= text.Length then
                substituted, List.rev unset
            elif text[i] <> '$' || i + 1 >= text.Length then
                sb.Append text[i] |> ignore
                go (i + 1) substituted unset
            else
                let variable name next =
                    match lookup name with
                    | Some value ->
                        sb.Append value |> ignore
                        go next true unset
                    | None ->
                        let unset = if List.contains name unset then unset else name :: unset
                        go next substituted unset

                match text[i + 1] with
                | '$' ->
                    sb.Append '$' |> ignore
                    go (i + 2) substituted unset
                | '{' ->
                    let finish = nameEnd text (i + 2)

                    if finish > i + 2 && finish < text.Length && text[finish] = '}' then
                        variable (text.Substring(i + 2, finish - i - 2)) (finish + 1)
                    else
                        sb.Append '$' |> ignore
                        go (i + 1) substituted unset
                | _ ->
                    let finish = nameEnd text (i + 1)

                    if finish > i + 1 then
                        variable (text.Substring(i + 1, finish - i - 1)) finish
                    else
                        sb.Append '$' |> ignore
                        go (i + 1) substituted unset

        match go 0 false [] with
        | substituted, [] ->
            Ok
                {
                    Value = sb.ToString()
                    FromEnvironment = substituted
                }
        | _, unset -> Error(unset |> List.map (fun name -> $"environment variable %s{name} is not set"))

    /// Replaces `${VAR}` and `$VAR` (VAR = `[A-Za-z_][A-Za-z0-9_]*`) with the lookup's value; `$$` is a literal
    /// `$`, and a `$` followed by anything else is kept as written. Errors name each variable that is not set.
    let expand (lookup: string -> string option) (text: string) : Result<Interpolated, string list> =
        // Most values have no `$` (every scalar of every endpoint is expanded for its placeholders): as written.
        if text.IndexOf '$' < 0 then
            Ok
                {
                    Value = text
                    FromEnvironment = false
                }
        else
            substitute lookup text
