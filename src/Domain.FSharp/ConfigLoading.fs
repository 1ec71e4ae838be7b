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

    /// The variable whose non-empty value replaces a plain-string `cachet.token`, as in the original.
    [<Literal>]
    let TokenVariable = "CACHET_TOKEN"

    let private nonEmpty (lookup: string -> string option) name =
        lookup name |> Option.filter (fun value -> value <> "")

    /// `CACHET_API_URL` (non-empty) replaces `cachet.api_url` (trimmed, without a trailing `/`); `CACHET_TOKEN`
    /// (non-empty) replaces a plain-string `cachet.token` (a provider list consults it only where it names it).
    let applyOverrides (lookup: string -> string option) (config: Config) : Config =
        let apiUrl =
            match nonEmpty lookup ApiUrlVariable |> Option.map (fun url -> url.Trim().TrimEnd '/') with
            | Some url when url <> "" -> url
            | _ -> config.Cachet.ApiUrl

        let token =
            match config.Cachet.Token, nonEmpty lookup TokenVariable with
            | PlainToken _, Some value -> PlainToken(Secret.create value)
            | token, _ -> token

        { config with
            Cachet =
                { config.Cachet with
                    ApiUrl = apiUrl
                    Token = token
                }
        }

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

        // A token taken from CACHET_TOKEN is a value from the environment too (it is masked like the others).
        let overriddenToken =
            match parsed with
            | Ok p ->
                match p.Config.Cachet.Token, nonEmpty lookup TokenVariable with
                | PlainToken _, Some value -> [ value ]
                | _ -> []
            | Error _ -> []

        {
            Parsed = parsed
            EnvironmentValues = Seq.append used overriddenToken |> Seq.distinct |> List.ofSeq
        }
