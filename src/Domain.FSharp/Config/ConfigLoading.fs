namespace CachetMonitor.Domain

open FsToolkit.ErrorHandling

type LoadedConfig =
    {
        Parsed: Validation<ParsedConfig, ConfigIssue>
        Warnings: ConfigIssue list
        EnvironmentValues: string list
    }

[<RequireQualifiedAccess>]
module ConfigLoading =
    [<Literal>]
    let ApiUrlVariable = ConfigReading.CachetReader.ApiUrlVariable

    [<Literal>]
    let TokenVariable = ConfigReading.CachetReader.TokenVariable

    let private nonEmpty (lookup: string -> string option) name =
        lookup name |> Option.filter (fun value -> value.Trim() <> "")

    let load
        (timeZones: string -> System.TimeZoneInfo option)
        (lookup: string -> string option)
        (text: string)
        : LoadedConfig =
        // Local to this call: the function stays pure while it records which values the parse used.
        let used = System.Collections.Generic.List<string>()

        let recording name =
            let value = lookup name
            value |> Option.iter used.Add
            value

        let outcome = ConfigParser.read timeZones lookup recording text

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
