namespace CachetMonitor.Domain.ConfigReading

open System
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The request options of an endpoint (`ca_file`, `client_certificate`, `client_key`, `proxy`, `follow_redirects`)
/// and the TLS files of `cachet`. The files are named here; the host reads them at load.
[<AutoOpen>]
module internal RequestReader =
    /// The proxy schemes .NET's handler speaks.
    let ProxySchemes = [ "http"; "https"; "socks4"; "socks4a"; "socks5" ]

    /// A proxy URL: a scheme the handler speaks and a host (and port), nothing after it.
    let proxyUrl (value: Scalar) =
        let text = value.Text.Trim()

        match tryUri text with
        | Some uri when not (List.contains uri.Scheme ProxySchemes) ->
            Error $"%s{shown value} must be an http://, https://, socks4://, socks4a:// or socks5:// URL"
        | Some uri when String.IsNullOrEmpty uri.Host -> Error $"%s{shown value} has no host"
        | Some uri when uri.AbsolutePath <> "/" || uri.Query <> "" || uri.Fragment <> "" ->
            Error $"%s{shown value} must be the proxy's host and port only (no path or query)"
        | Some _ -> Ok text
        | None -> Error $"%s{shown value} is not a valid URL"

    /// A file name (checked by the host at load).
    let fileName (value: Scalar) =
        if String.IsNullOrWhiteSpace value.Text then
            Error "must name a file"
        else
            Ok(value.Text.Trim())

    /// `ca_file`, `client_certificate` and `client_key` of a section; a key without a certificate is an error.
    let tlsFiles lookup (section: Section) =
        validation {
            let! caFile = optional section "ca_file" (readWith lookup fileName)
            and! certificate = optional section "client_certificate" (readWith lookup fileName)
            and! key = optional section "client_key" (readWith lookup fileName)

            return
                {
                    CaFile = caFile
                    ClientCertificate = certificate
                    ClientKey = key
                }
        }
        |> Result.bind (fun tls ->
            match tls.ClientKey, tls.ClientCertificate, tryFind section "client_key" with
            | Some _, None, Some node ->
                fail (child section.Path "client_key") node "needs client_certificate (the certificate of this key)"
            | _ -> Ok tls)

    /// The request options of an endpoint.
    let requestOptions lookup (section: Section) =
        validation {
            let! tls = tlsFiles lookup section
            and! proxy = optional section "proxy" (readWith lookup proxyUrl)
            and! follow = value section "follow_redirects" (readWith lookup boolean)

            return
                {
                    Tls = tls
                    Proxy = proxy
                    FollowRedirects = follow
                }
        }

    /// The files a section's TLS keys name, where they are written, for the host to read at load.
    let namedFiles (section: Section) (tls: TlsFiles) : ConfigFile list =
        let named key kind file =
            match file, tryFind section key with
            | Some file, Some node ->
                [
                    {
                        Path = child section.Path key
                        Position = at node
                        File = file
                        Kind = kind
                    }
                ]
            | _ -> []

        named "ca_file" CaCertificates tls.CaFile
        @ named "client_certificate" (ClientCertificate tls.ClientKey) tls.ClientCertificate
        @ named "client_key" ClientKey tls.ClientKey
