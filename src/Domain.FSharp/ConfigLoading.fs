namespace CachetMonitor.Domain

open FsToolkit.ErrorHandling

/// A config as the daemon runs it: parsed, with the original's environment overrides applied, and the values it
/// took from the environment (secrets to mask in every output, whether the config is valid or not).
type LoadedConfig =
    {
        Parsed: Validation<ParsedConfig, ConfigIssue>
        /// Every value a `${VAR}`/`$VAR` in the config resolved to, in first-use order.
        EnvironmentValues: string list
    }

/// Parsing plus the environment overrides, in one place for the daemon, `check`, `validate` and other tools.
[<RequireQualifiedAccess>]
module ConfigLoading =
    /// The variable whose non-empty value replaces `cachet.api_url`, as in the original.
    [<Literal>]
    let ApiUrlVariable = "CACHET_API_URL"

    /// `CACHET_API_URL` (non-empty) replaces `cachet.api_url` (trimmed, without a trailing `/`).
    let applyOverrides (lookup: string -> string option) (config: Config) : Config =
        match lookup ApiUrlVariable |> Option.map (fun url -> url.Trim().TrimEnd '/') with
        | Some url when url <> "" ->
            { config with
                Cachet = { config.Cachet with ApiUrl = url }
            }
        | _ -> config

    /// Parses `text`, answering `${VAR}` from `lookup`, and applies the overrides to a valid config.
    let load (lookup: string -> string option) (text: string) : LoadedConfig =
        // Local to this call: the function stays pure while it records which values the parse used.
        let used = System.Collections.Generic.List<string>()

        let recording name =
            let value = lookup name
            value |> Option.iter used.Add
            value

        let parsed =
            ConfigParser.parse recording text
            |> Result.map (fun p ->
                { p with
                    Config = applyOverrides lookup p.Config
                })

        {
            Parsed = parsed
            EnvironmentValues = used |> Seq.distinct |> List.ofSeq
        }
