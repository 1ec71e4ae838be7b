namespace CachetMonitor.Domain

open FsToolkit.ErrorHandling

/// A config read: valid or not, and every warning found either way.
type ConfigOutcome =
    {
        Parsed: Validation<ParsedConfig, ConfigIssue>
        /// Every warning, sorted by position; found whether or not the config has errors.
        Warnings: ConfigIssue list
    }

/// Reading and validating the YAML config: every error at once, each with its path and position.
[<RequireQualifiedAccess>]
module ConfigParser =
    /// The deepest nesting of lists and mappings a config may have.
    [<Literal>]
    val MaxDepth: int = 64

    /// The largest `allowed_fails` and `success_threshold`.
    [<Literal>]
    val MaxCheckCount: int = 1_000_000

    /// The path of issues about the document as a whole (syntax errors, a root that is not a mapping).
    [<Literal>]
    val DocumentPath: string = "(document)"

    /// Reads a config: every error and every warning. `timeZones` finds a maintenance window's `timezone` by its
    /// IANA name (the host gives the system's: the core reads no machine data). `lookup` resolves `${VAR}`/`$VAR` in every string value;
    /// `environment` answers the original's overrides (`CACHET_API_URL`, `CACHET_TOKEN`: non-empty, they replace
    /// `cachet.api_url` and a plain-string `cachet.token`, which may then be left out). Never throws: YAML syntax
    /// errors, alias bombs and absurd nesting come back as issues.
    val read:
        timeZones: (string -> System.TimeZoneInfo option) ->
        environment: (string -> string option) ->
        lookup: (string -> string option) ->
        text: string ->
            ConfigOutcome

    /// Parses and validates a config without the environment overrides (see `read`); a config with errors gives
    /// only its errors here (`read` gives its warnings too).
    val parse:
        timeZones: (string -> System.TimeZoneInfo option) ->
        lookup: (string -> string option) ->
        text: string ->
            Validation<ParsedConfig, ConfigIssue>
