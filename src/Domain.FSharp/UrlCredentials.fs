namespace CachetMonitor.Domain

/// User-info in an http(s) URL (`http://user:pass@host/`): a credential. It is never shown (messages, which go
/// to Cachet's public page, show `http://***@host/`) and is sent as Basic auth, not as part of the URL.
[<RequireQualifiedAccess>]
module UrlCredentials =
    /// What replaces the user-info wherever a URL is shown.
    [<Literal>]
    let Mask = "***"

    /// The user-info's first index and the index of the `@` that ends it: the authority runs from `://` to the
    /// first `/`, `?` or `#`, and its last `@` ends the user-info (as browsers read it).
    let private span (url: string) =
        match url.IndexOf "://" with
        | -1 -> None
        | scheme ->
            let start = scheme + 3

            let stop =
                match url.IndexOfAny([| '/'; '?'; '#' |], start) with
                | -1 -> url.Length
                | i -> i

            match url.LastIndexOf('@', stop - 1, stop - start) with
            | -1 -> None
            | at -> Some(start, at)

    /// The URL with its user-info replaced by `***`; a URL without user-info as it is.
    let mask (url: string) =
        match span url with
        | Some(start, at) -> url.Substring(0, start) + Mask + url.Substring at
        | None -> url

    /// The URL without its user-info (what is requested); a URL without user-info as it is.
    let strip (url: string) =
        match span url with
        | Some(start, at) -> url.Substring(0, start) + url.Substring(at + 1)
        | None -> url

    /// The user name and password of the user-info, percent-decoded (the password is empty when there is no `:`).
    let credentials (url: string) : (string * string) option =
        span url
        |> Option.map (fun (start, at) ->
            let info = url.Substring(start, at - start)

            let user, password =
                match info.IndexOf ':' with
                | -1 -> info, ""
                | colon -> info.Substring(0, colon), info.Substring(colon + 1)

            System.Uri.UnescapeDataString user, System.Uri.UnescapeDataString password)

    /// The texts of a URL's user-info to mask in any output: as written, and the password as written and decoded.
    let secrets (url: string) : string list =
        match span url, credentials url with
        | Some(start, at), Some(_, password) ->
            let info = url.Substring(start, at - start)

            let written =
                match info.IndexOf ':' with
                | -1 -> ""
                | colon -> info.Substring(colon + 1)

            [ info; written; password ] |> List.filter (fun s -> s <> "") |> List.distinct
        | _ -> []
