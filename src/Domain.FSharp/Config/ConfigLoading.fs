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
    let ApiUrlVariable = ConfigReading.CachetReader.ApiUrlVariable

    /// The variable whose non-empty value replaces a plain-string `cachet.token`, as in the original.
    [<Literal>]
    let TokenVariable = ConfigReading.CachetReader.TokenVariable

    let private nonEmpty (lookup: string -> string option) name =
        lookup name |> Option.filter (fun value -> value.Trim() <> "")

    /// Parses `text`, answering `${VAR}` and the overrides from `lookup`.
    let load (lookup: string -> string option) (text: string) : LoadedConfig =
        // Local to this call: the function stays pure while it records which values the parse used.
        let used = System.Collections.Generic.List<string>()

        let recording name =
            let value = lookup name
            value |> Option.iter used.Add
            value

        let outcome = ConfigParser.read lookup recording text

        // A token taken from CACHET_TOKEN is a value from the environment too (it is masked like the others).
        let overriddenToken =
            match outcome.Parsed, nonEmpty lookup TokenVariable with
            | Ok p, Some value when p.Config.Cachet.Token = PlainToken(Secret.create value) -> [ value ]
            | _ -> []

        {
            Parsed = outcome.Parsed
            Warnings = outcome.Warnings
            EnvironmentValues = Seq.append used overriddenToken |> Seq.distinct |> List.ofSeq
        }
