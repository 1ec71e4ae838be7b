namespace CachetMonitor.Domain.ConfigReading

open System
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The `cachet` section and its token providers.
[<AutoOpen>]
module internal CachetReader =
    let provider lookup path node =
        node
        |> mapping
            (Some ConfigSection.TokenProvider)
            "with a type"
            (fun p ->
                required p "type" (readWith lookup (oneOf ConfigKeys.ProviderTypes "token provider type"))
                |> Result.bind (fun kind ->
                    match kind with
                    | "ENVIRONMENT_VARIABLE" ->
                        required
                            p
                            "value"
                            (readWith lookup (fun value ->
                                if String.IsNullOrWhiteSpace value.Text then
                                    Error "must name an environment variable"
                                else
                                    Ok(EnvironmentVariable(value.Text.Trim()))))
                    | "TOKEN" ->
                        required p "value" (readText lookup)
                        |> Result.map (Secret.create >> LiteralToken)
                    | _ ->
                        validation {
                            let! secretName = required p "secret_name" (readText lookup)
                            and! secretKey = required p "secret_key" (readText lookup)
                            and! region = required p "region" (readText lookup)
                            return AwsSecretsManager(secretName, secretKey, region)
                        }))
            path

    /// The variable whose non-empty value replaces `cachet.api_url`, as in the original.
    [<Literal>]
    let ApiUrlVariable = "CACHET_API_URL"

    /// The variable whose non-empty value replaces a plain-string `cachet.token`, as in the original.
    [<Literal>]
    let TokenVariable = "CACHET_TOKEN"

    let nonEmpty (environment: string -> string option) name =
        environment name |> Option.filter (fun value -> value.Trim() <> "")

    /// A string token; `CACHET_TOKEN` (non-empty) wins over it, and then the key may be missing, empty or of
    /// another shape. A provider list or mapping consults `CACHET_TOKEN` only where it names it.
    let tokenSource lookup environment (section: Section) =
        let fromEnvironment =
            nonEmpty environment TokenVariable |> Option.map (Secret.create >> PlainToken)

        match tryFind section "token", fromEnvironment with
        | Some(YamlSequence _ as node), _ ->
            listOf "token provider" true (provider lookup) (child section.Path "token") node
            |> Result.map Providers
        | Some(YamlMapping _ as node), _ ->
            provider lookup (child section.Path "token") node
            |> Result.map (List.singleton >> Providers)
        | _, Some token -> Ok token
        | _ ->
            required section "token" (fun path node ->
                readText lookup path node |> Result.map (Secret.create >> PlainToken))

    /// `api_url`; `CACHET_API_URL` (non-empty) replaces it, and then the key may be missing, empty or of another
    /// shape (an invalid variable is an error naming it).
    let apiUrl lookup environment (section: Section) =
        match nonEmpty environment ApiUrlVariable with
        | Some url ->
            let where =
                tryFind section "api_url"
                |> Option.map at
                |> Option.defaultValue section.Position

            httpUrl
                {
                    Text = url.Trim()
                    FromEnvironment = true
                }
            |> Result.map snd
            |> Result.mapError (fun message ->
                [
                    issue
                        (child section.Path "api_url")
                        where
                        $"%s{ApiUrlVariable} (which replaces this key): %s{message}"
                ])
        | None -> required section "api_url" (readWith lookup httpUrl) |> Result.map snd

    /// A whole number of calls a minute, from 1 to `limit`.
    let rateLimit limit (value: Scalar) =
        match wholeNumber 1 value with
        | Ok number when number <= limit -> Ok number
        | Ok _ -> Error $"%s{shown value} must be at most %d{limit} calls a minute"
        | Error message -> Error message

    /// `auto`, `2` or `3` (any case).
    let apiVersion (value: Scalar) =
        match value.Text.Trim().ToLowerInvariant() with
        | "auto" -> Ok DetectVersion
        | "2" -> Ok CachetV2
        | "3" -> Ok CachetV3
        | _ -> Error $"%s{shown value} is not a Cachet API version (auto, 2 or 3)"

    let cachet lookup environment path node =
        node
        |> mapping
            (Some ConfigSection.Cachet)
            "with api_url and token"
            (fun c ->
                validation {
                    let! apiUrl = apiUrl lookup environment c
                    and! token = tokenSource lookup environment c

                    and! apiVersion = value c "api_version" (readWith lookup apiVersion)

                    and! rateLimit =
                        value c "rate_limit_per_minute" (readWith lookup (rateLimit ConfigKeys.MaxRateLimitPerMinute))

                    and! resync =
                        value c "resync_interval" (readWith lookup (seconds ConfigKeys.MaxResyncSeconds))

                    and! respectSchedules = value c "respect_schedules" (readWith lookup boolean)

                    and! tls = tlsFiles lookup c

                    return
                        {
                            ApiUrl = apiUrl.TrimEnd '/'
                            Token = token
                            ApiVersion = apiVersion
                            RateLimitPerMinute = rateLimit
                            ResyncSeconds = resync
                            RespectSchedules = respectSchedules
                            Tls = tls
                        }
                })
            path
