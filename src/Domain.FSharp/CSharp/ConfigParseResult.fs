namespace CachetMonitor.Domain.CSharp

open System.Diagnostics.CodeAnalysis
open System.Runtime.InteropServices
open System.Collections.Generic
open CachetMonitor.Domain

/// The outcome of parsing a config: every error and warning, and the config when it has no error.
[<Sealed>]
type ConfigParseResult internal (inner: HostConfigResult) =
    /// The config, when it is valid: <c>if (parsed.TryGetConfig(out var config)) …</c>.
    member _.TryGetConfig([<Out; MaybeNullWhen(false)>] config: byref<MonitorConfig>) : bool =
        match inner.TryGetConfig() with
        | true, parsed ->
            config <- MonitorConfig parsed
            true
        | false, _ -> false

    /// True when the config has no errors.
    member _.IsValid = inner.IsValid

    /// Every error, in document order.
    member _.Errors: IReadOnlyList<ConfigProblem> =
        inner.Errors |> Seq.map ConfigProblem |> Seq.toArray :> _

    /// Every warning, in document order.
    member _.Warnings: IReadOnlyList<ConfigProblem> =
        inner.Warnings |> Seq.map ConfigProblem |> Seq.toArray :> _

    /// The values the config took from the environment (<c>${VAR}</c>): secrets to mask in every output.
    member _.EnvironmentValues = inner.EnvironmentValues
