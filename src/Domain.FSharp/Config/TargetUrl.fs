namespace CachetMonitor.Domain.ConfigReading

open System
open CachetMonitor.Domain

/// An endpoint's `url`: http(s), `tcp://`, `tls://` or `dns://`, and what probing it does.
[<AutoOpen>]
module internal TargetUrl =
    let private schemeOf (raw: string) =
        match raw.IndexOf "://" with
        | -1 -> None
        | at -> Some(raw.Substring(0, at).Trim().ToLowerInvariant())

    let private hostAndPort (value: Scalar) (uri: Uri) scheme =
        let shape = $"%s{scheme}://host:port"

        if String.IsNullOrEmpty uri.Host then
            Error $"%s{shown value} has no host (write %s{shape})"
        elif uri.IsDefaultPort || uri.Port <= 0 then
            Error $"%s{shown value} has no port (write %s{shape})"
        elif uri.AbsolutePath <> "/" || uri.Query <> "" || uri.Fragment <> "" then
            Error $"%s{shown value} must be %s{shape}, without a path or query"
        else
            Ok(uri.DnsSafeHost, uri.Port)

    let private recordType (value: Scalar) (query: string) =
        let parameters =
            query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            |> Array.toList
            |> List.map (fun part ->
                match part.Split('=', 2) with
                | [| name; given |] -> name.ToLowerInvariant(), Uri.UnescapeDataString given
                | _ -> part.ToLowerInvariant(), "")

        let names = DnsRecordType.all |> List.map DnsRecordType.name
        let listed = String.concat ", " names

        match parameters with
        | [] -> Ok A
        | [ "type", given ] ->
            match DnsRecordType.tryParse given with
            | Some parsed -> Ok parsed
            | None when value.FromEnvironment ->
                Error $"%s{shown value} names an unknown DNS record type; the types are %s{listed}"
            | None ->
                Error
                    $"%s{shown value} names an unknown DNS record type \"%s{given}\"%s{didYouMean names given}; the types are %s{listed}"
        | _ -> Error $"%s{shown value} may only have ?type= (one of %s{listed})"

    let private dnsQuery (value: Scalar) (uri: Uri) =
        let name = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart '/')
        let shape = "dns://RESOLVER[:PORT]/NAME?type=A"

        if String.IsNullOrEmpty uri.Host then
            Error $"%s{shown value} has no resolver (write %s{shape})"
        elif name = "" then
            Error $"%s{shown value} has no name to look up (write %s{shape})"
        elif name.Contains '/' || uri.Fragment <> "" then
            Error $"%s{shown value} must be %s{shape}"
        else
            recordType value uri.Query
            |> Result.map (fun recordType ->
                {
                    Resolver = uri.DnsSafeHost
                    Port = (if uri.Port > 0 then uri.Port else 53)
                    Name = name
                    RecordType = recordType
                })

    /// The URL as written, the URL probed, and what probing it does.
    let targetUrl (value: Scalar) : Result<string * string * ProbeTarget, string> =
        let raw = value.Text

        match schemeOf raw with
        | Some("tcp" | "tls" as scheme) ->
            match tryUri (raw.Trim()) with
            | Some uri ->
                hostAndPort value uri scheme
                |> Result.map (fun (host, port) -> raw, raw.Trim(), TcpTarget(host, port, (scheme = "tls")))
            | None -> Error $"%s{shown value} is not a valid URL"
        | Some "dns" ->
            match tryUri (raw.Trim()) with
            | Some uri -> dnsQuery value uri |> Result.map (fun query -> raw, raw.Trim(), DnsTarget query)
            | None -> Error $"%s{shown value} is not a valid URL"
        | Some scheme when scheme <> "http" && scheme <> "https" ->
            Error $"%s{shown value} must be an http://, https://, tcp://, tls:// or dns:// URL"
        | _ -> httpUrl value |> Result.map (fun (raw, probed) -> raw, probed, HttpTarget)
