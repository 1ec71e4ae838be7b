namespace CachetMonitor.Domain

open FsToolkit.ErrorHandling

/// A config as the daemon runs it: parsed, with the original's environment overrides applied, and the values it
/// took from the environment (secrets to mask in every output, whether the config is valid or not).
type LoadedConfig =
    {
        Parsed: Validation<ParsedConfig, ConfigIssue>
        /// Every warning, whether or not the config is valid.
        Warnings: ConfigIssue list
        /// Every value a `${VAR}`/`$VAR` in the config resolved to, in first-use order.
        EnvironmentValues: string list
    }

/// Parsing plus the environment overrides, in one place for the daemon, `check`, `validate` and other tools.
[<RequireQualifiedAccess>]
module ConfigLoading =
    /// The variable whose non-empty value replaces `cachet.api_url`, as in the original.
    [<Literal>]
    val ApiUrlVariable: string = "CACHET_API_URL"

    /// The variable whose non-empty value replaces a plain-string `cachet.token`, as in the original.
    [<Literal>]
    val TokenVariable: string = "CACHET_TOKEN"

    /// Parses `text`, answering `${VAR}` and the overrides from `lookup`, and time zones from `timeZones`.
    val load:
        timeZones: (string -> System.TimeZoneInfo option) ->
        lookup: (string -> string option) ->
        text: string ->
            LoadedConfig
