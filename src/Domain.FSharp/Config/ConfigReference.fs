namespace CachetMonitor.Domain

open System

[<RequireQualifiedAccess>]
module ConfigReference =
    let private formatNumber (value: float) =
        if value = Double.MaxValue then
            "any"
        else
            value.ToString("#,0.###", Globalization.CultureInfo.InvariantCulture)

    let rec private describe (keyType: KeyType) =
        match keyType with
        | KeyType.Text -> "text"
        | KeyType.AsciiText -> "printable ASCII text"
        | KeyType.HttpUrl -> "http(s) URL"
        | KeyType.CheckUrl -> "http(s), tcp, tls or dns URL"
        | KeyType.PositiveNumber -> "number (> 0)"
        | KeyType.Seconds max when max = Double.MaxValue -> "seconds (> 0)"
        | KeyType.Seconds max -> $"seconds (> 0, ≤ %s{formatNumber max})"
        | KeyType.SecondsOrZero max -> $"seconds (> 0, ≤ %s{formatNumber max}; 0 or empty: 1, with a warning)"
        | KeyType.WholeNumber(min, max) when max = Int32.MaxValue -> $"whole number ≥ %d{min}"
        | KeyType.WholeNumber(min, max) -> $"whole number, %d{min} to %s{formatNumber (float max)}"
        | KeyType.CountOrNegative max ->
            $"whole number, 0 to %s{formatNumber (float max)} (negative: 0, with a warning)"
        | KeyType.Flag -> "bool"
        | KeyType.Choice(names, caseless) ->
            let listed = names |> List.map (fun n -> $"`%s{n}`") |> String.concat ", "

            if caseless then
                $"one of %s{listed} (any case)"
            else
                $"one of %s{listed}"
        | KeyType.ListOf(item, _) -> $"list of %s{describe item}"
        | KeyType.MapOf item -> $"mapping of names to %s{describe item}"
        | KeyType.SectionOf section -> $"mapping (`%s{ConfigKeys.pathOf section}`)"
        | KeyType.ListOfSections(section, atLeast) when atLeast > 0 ->
            $"list (`%s{ConfigKeys.pathOf section}`), at least %d{atLeast}"
        | KeyType.ListOfSections(section, _) -> $"list (`%s{ConfigKeys.pathOf section}`)"
        | KeyType.StatusRanges -> "status, `LOW-HIGH` range, or a list of them"
        | KeyType.TokenValue -> "text, provider mapping, or provider list"
        | KeyType.TemplateText -> "template (text)"
        | KeyType.RegexText -> "regular expression"
        | KeyType.CronText -> "cron expression (5 fields)"
        | KeyType.Duration max -> $"duration (`30m`, `2h`, `1h30m`, `90s`, `1d`; ≤ {formatNumber (max / 86400.0)} days)"
        | KeyType.TimeZoneName -> "IANA time zone name"
        | KeyType.Instant -> "ISO 8601 date and time with offset"
        | KeyType.UrlOf schemes ->
            let listed = schemes |> List.map (fun s -> $"`{s}://`") |> String.concat ", "
            $"URL ({listed})"
        | KeyType.Fraction -> "number (> 0, ≤ 1)"

    let private cell (text: string) = text.Replace("|", "\\|")

    let private row (key: ConfigKey) =
        let name =
            match key.Origin with
            | Original -> $"`%s{key.Name}`"
            | Added since -> $"`%s{key.Name}` **new** (%s{since})"

        let required =
            match key.Required, key.AppliesTo with
            | true, [] -> "yes"
            | true, types ->
                types
                |> List.map (fun t -> $"`%s{t}`")
                |> String.concat ", "
                |> sprintf "for %s"
            | false, _ -> "no"

        let fallback =
            key.Default |> Option.map (fun d -> $"`%s{d}`") |> Option.defaultValue "—"

        $"| %s{name} | %s{cell (describe key.Type)} | %s{required} | %s{cell fallback} | %s{cell key.Doc} |"

    let table (section: ConfigSection) =
        [
            "| key | type | required | default | meaning |"
            "|---|---|---|---|---|"
            yield! ConfigKeyTable.inSection section |> List.map row
        ]
        |> String.concat "\n"

    let sections =
        [
            ConfigSection.Root, "Top level"
            ConfigSection.Cachet, "`cachet`"
            ConfigSection.TokenProvider, "Token providers (`cachet.token` items)"
            ConfigSection.Endpoint, "Endpoints (`endpoints` items)"
            ConfigSection.Expectation, "Expectations (`endpoints[].expectation` items)"
            ConfigSection.Webhook, "`webhooks` items"
            ConfigSection.Messages, "`messages`"
            ConfigSection.Maintenance, "`maintenance` items"
            ConfigSection.Connectivity, "`connectivity`"
            ConfigSection.MetricValue, "`endpoints[].metric_value`"
        ]

    let regenerate (document: string) =
        sections
        |> List.fold
            (fun (text: string) (section, _) ->
                let name = ConfigKeys.pathOf section |> fun p -> if p = "" then "root" else p
                let start = $"<!-- generated: %s{name} -->"
                let finish = "<!-- end generated -->"
                let at = text.IndexOf start

                if at < 0 then
                    text
                else
                    let after = at + start.Length
                    let close = text.IndexOf(finish, after)

                    if close < 0 then
                        text
                    else
                        text.Substring(0, after) + "\n" + table section + "\n" + text.Substring close)
            document
