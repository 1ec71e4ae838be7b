/// Targets for the request options: a CA made in the test with the certificates it issues (written as PEM), a
/// TLS server on 127.0.0.1 that can require a client certificate, and an HTTP proxy that counts what it forwards.
module CachetMonitor.Tests.Support.RequestTargets

open System
open System.IO
open System.Net
open System.Net.Http
open System.Net.Security
open System.Net.Sockets
open System.Security.Cryptography
open System.Security.Cryptography.X509Certificates
open System.Text
open System.Threading
open System.Threading.Tasks

let private usage (oid: string) =
    let oids = OidCollection()
    oids.Add(Oid oid) |> ignore
    X509EnhancedKeyUsageExtension(oids, false)

/// A certificate authority made in memory (with its key).
let newCa (name: string) =
    use key = RSA.Create 2048

    let request =
        CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)

    request.CertificateExtensions.Add(X509BasicConstraintsExtension(true, false, 0, true))
    request.CertificateExtensions.Add(X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true))

    use created =
        request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes -5.0, DateTimeOffset.UtcNow.AddHours 1.0)

    X509CertificateLoader.LoadPkcs12(created.Export X509ContentType.Pfx, null)

/// A certificate issued by `ca` (server: for 127.0.0.1 and localhost; else a client certificate), with its key.
let issue (ca: X509Certificate2) (name: string) (server: bool) =
    use key = RSA.Create 2048

    let request =
        CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)

    if server then
        let names = SubjectAlternativeNameBuilder()
        names.AddIpAddress IPAddress.Loopback
        names.AddDnsName "localhost"
        request.CertificateExtensions.Add(names.Build())
        request.CertificateExtensions.Add(usage "1.3.6.1.5.5.7.3.1")
    else
        request.CertificateExtensions.Add(usage "1.3.6.1.5.5.7.3.2")

    let serial = RandomNumberGenerator.GetBytes 8

    use signed =
        request.Create(ca, DateTimeOffset.UtcNow.AddMinutes -1.0, DateTimeOffset.UtcNow.AddMinutes 50.0, serial)

    use withKey = signed.CopyWithPrivateKey key
    X509CertificateLoader.LoadPkcs12(withKey.Export X509ContentType.Pfx, null)

/// Writes the certificate (and, if asked, its private key) as PEM files in `dir`: the certificate's path and the key's.
let writePem (dir: string) (name: string) (certificate: X509Certificate2) =
    let certificatePath = Path.Combine(dir, $"{name}.crt")
    let keyPath = Path.Combine(dir, $"{name}.key")
    File.WriteAllText(certificatePath, certificate.ExportCertificatePem())

    match certificate.GetRSAPrivateKey() with
    | null -> ()
    | key -> File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem())

    certificatePath, keyPath

/// Reads one HTTP request head (to the blank line) from a stream; "" when the peer closed first.
let private readHead (stream: Stream) (ct: CancellationToken) =
    task {
        let head = StringBuilder()
        let buffer = Array.zeroCreate<byte> 1
        let mutable reading = true

        while reading do
            let! n = stream.ReadAsync(buffer.AsMemory(), ct)

            if n = 0 then
                reading <- false
            else
                head.Append(char buffer[0]) |> ignore
                reading <- not (head.ToString().EndsWith "\r\n\r\n")

        return head.ToString()
    }

let private answer (stream: Stream) (status: int) (body: string) (ct: CancellationToken) =
    task {
        let bytes = Encoding.UTF8.GetBytes body

        let head =
            $"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"

        do! stream.WriteAsync(Encoding.ASCII.GetBytes head, ct)
        do! stream.WriteAsync(bytes, ct)
        do! stream.FlushAsync ct
    }

/// A loop of accepted connections, each served by `serve`, until disposed.
type private Acceptor(serve: TcpClient -> CancellationToken -> Task) =
    let listener = new TcpListener(IPAddress.Loopback, 0)
    let stopping = new CancellationTokenSource()

    do listener.Start()

    let loop =
        task {
            try
                while not stopping.IsCancellationRequested do
                    let! client = listener.AcceptTcpClientAsync stopping.Token

                    Task.Run(fun () ->
                        task {
                            use client = client

                            try
                                do! serve client stopping.Token
                            with _ ->
                                // A refused handshake or a dropped peer: the test reads the counters.
                                ()
                        }
                        :> Task)
                    |> ignore
            with _ ->
                ()
        }

    member _.Port = (listener.LocalEndpoint :?> IPEndPoint).Port

    interface IDisposable with
        member _.Dispose() =
            stopping.Cancel()
            listener.Stop()
            loop.Wait(TimeSpan.FromSeconds 5.0) |> ignore

/// An HTTPS server on 127.0.0.1 answering 200 "ok"; with `clientCa` it requires a client certificate issued by it.
type TlsTarget(certificate: X509Certificate2, clientCa: X509Certificate2 option) =
    let mutable served = 0
    let mutable clientCertificates = 0

    let acceptor =
        new Acceptor(fun client ct ->
            task {
                use ssl = new SslStream(client.GetStream())
                let options = SslServerAuthenticationOptions(ServerCertificate = certificate)

                match clientCa with
                | Some ca ->
                    options.ClientCertificateRequired <- true

                    options.RemoteCertificateValidationCallback <-
                        RemoteCertificateValidationCallback(fun _ presented _ _ ->
                            match presented with
                            | null -> false
                            | presented -> presented.Issuer = ca.Subject)
                | None -> ()

                do! ssl.AuthenticateAsServerAsync(options, ct)

                if not (isNull ssl.RemoteCertificate) then
                    Interlocked.Increment &clientCertificates |> ignore

                let! head = readHead ssl ct

                if head <> "" then
                    Interlocked.Increment &served |> ignore
                    do! answer ssl 200 "ok" ct
            })

    member _.Url(path: string) =
        $"https://127.0.0.1:{acceptor.Port}{path}"

    /// Requests answered (after a completed handshake).
    member _.Served = Volatile.Read &served

    /// Handshakes in which the client presented a certificate.
    member _.ClientCertificates = Volatile.Read &clientCertificates

    interface IDisposable with
        member _.Dispose() = (acceptor :> IDisposable).Dispose()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            (this :> IDisposable).Dispose()
            ValueTask.CompletedTask

/// An HTTP proxy on 127.0.0.1 for plain-HTTP targets: forwards each absolute-URI request (GET) and answers with the
/// target's status and body; counts what it forwarded.
type CountingProxy() =
    let mutable forwarded = 0

    let http =
        new HttpClient(new SocketsHttpHandler(UseProxy = false, AllowAutoRedirect = false))

    let acceptor =
        new Acceptor(fun client ct ->
            task {
                let stream = client.GetStream()
                let! head = readHead stream ct

                match (head.Split("\r\n")[0]).Split(' ') with
                | [| _; target; _ |] when target.StartsWith "http://" ->
                    Interlocked.Increment &forwarded |> ignore
                    use! response = http.GetAsync(target, ct)
                    let! body = response.Content.ReadAsStringAsync ct
                    do! answer stream (int response.StatusCode) body ct
                | _ -> do! answer stream 400 "not a proxy request" ct
            })

    member _.Url = $"http://127.0.0.1:{acceptor.Port}"

    /// Requests forwarded so far.
    member _.Forwarded = Volatile.Read &forwarded

    interface IDisposable with
        member _.Dispose() =
            (acceptor :> IDisposable).Dispose()
            http.Dispose()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            (this :> IDisposable).Dispose()
            ValueTask.CompletedTask
