namespace CachetMonitor.Domain.ConfigReading

open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// The `connectivity` section: the URLs that tell the monitor's own network is up, or the heuristic.
[<AutoOpen>]
module internal ConnectivityReader =
    /// An absolute URL of one of the check kinds (its scheme written: no `http://` is added here).
    let connectivityUrl (value: Scalar) =
        if not (value.Text.Contains "://") then
            let listed =
                ConfigKeys.ConnectivitySchemes
                |> List.map (fun s -> s + "://")
                |> String.concat ", "

            Error $"{shown value} must be a URL of one of {listed}"
        else
            targetUrl value |> Result.map (fun (raw, _, _) -> raw.Trim())

    /// A share: greater than 0, at most 1.
    let fraction (value: Scalar) =
        match tryFloat value.Text with
        | Some number when number > 0.0 && number <= 1.0 -> Ok number
        | _ -> Error $"{shown value} must be a number greater than 0 and at most 1 (e.g. 0.9)"

    let connectivity lookup path node =
        node
        |> mapping
            (Some ConfigSection.Connectivity)
            "with urls or all_failing_threshold"
            (fun c ->
                validation {
                    let! urls = value c "urls" (listOf "URL" false (readWith lookup connectivityUrl))

                    and! frequency =
                        value c "frequency" (readWith lookup (seconds ConfigKeys.MaxFrequencySeconds))

                    and! timeout =
                        value c "timeout" (readWith lookup (seconds ConfigKeys.MaxTimeoutSeconds))

                    and! threshold = optional c "all_failing_threshold" (readWith lookup fraction)

                    return
                        {
                            Urls = urls
                            FrequencySeconds = frequency
                            TimeoutSeconds = timeout
                            AllFailingThreshold = threshold
                        }
                }
                |> Result.bind (fun settings ->
                    if settings.Urls.IsEmpty && settings.AllFailingThreshold.IsNone then
                        Error
                            [
                                issue (child c.Path "urls") c.Position "is required (or all_failing_threshold)"
                            ]
                    else
                        Ok settings))
            path
