namespace CachetMonitor.Domain

/// A 1-based line and column in the config text.
type Position = { Line: int; Column: int }

/// One problem found in a config: where, and what.
type ConfigIssue =
    {
        /// The key path, e.g. `endpoints[1].expectation[0].status_range`.
        Path: string
        Position: Position
        /// What is wrong; values that came from the environment are already redacted.
        Message: string
    }

/// Rendering config problems for people.
[<RequireQualifiedAccess>]
module ConfigIssue =
    /// `path (line L, col C): message`.
    let render issue =
        $"%s{issue.Path} (line %d{issue.Position.Line}, col %d{issue.Position.Column}): %s{issue.Message}"

/// What a file named by the config must hold.
type ConfigFileKind =
    /// `ca_file`: one or more PEM certificates.
    | CaCertificates
    /// `client_certificate`: a PEM certificate, with its private key in the named `client_key` file or in its own.
    | ClientCertificate of keyFile: string option
    /// `client_key`: a PEM private key.
    | ClientKey

/// A file the config names: the core does no I/O, so the host reads it at load and reports a problem here.
type ConfigFile =
    {
        /// The key path, e.g. `endpoints[0].ca_file`.
        Path: string
        Position: Position
        File: string
        Kind: ConfigFileKind
    }

    /// The `client_key` file of a `client_certificate` for C#: null when the key is in the certificate's file.
    member this.KeyFileOrNull: string | null =
        match this.Kind with
        | ClientCertificate(Some key) -> key
        | ClientCertificate None
        | CaCertificates
        | ClientKey -> null

/// A valid config and the warnings found on the way.
type ParsedConfig =
    {
        Config: Config
        Warnings: ConfigIssue list
        /// The files the config names (`ca_file`, `client_certificate`, `client_key`), in config order.
        Files: ConfigFile list
    }
