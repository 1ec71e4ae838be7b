namespace CachetMonitor.Domain

open System
open System.Text.RegularExpressions

[<CustomEquality; NoComparison>]
type RegexPattern =
    private
        {
            Source: string
            Compiled: Regex
        }

    override this.Equals other =
        match other with
        | :? RegexPattern as o -> this.Source = o.Source
        | _ -> false

    override this.GetHashCode() = hash this.Source
    override this.ToString() = this.Source

[<RequireQualifiedAccess>]
module RegexPattern =
    let matchTimeout = TimeSpan.FromMilliseconds 250.0

    let translate (pattern: string) =
        let named = Regex.Replace(pattern, @"\(\?P<", "(?<")
        Regex.Replace(named, @"\(\?P=(\w+)\)", @"\k<$1>")

    /// Patterns compiled so far. A config often repeats one pattern over thousands of endpoints, and building a
    /// `Regex` is costly; a compiled `Regex` is immutable and safe to share. Bounded, so that configs reloaded
    /// with ever new patterns cannot grow it without end.
    let private compiled =
        Collections.Concurrent.ConcurrentDictionary<string, RegexPattern>(StringComparer.Ordinal)

    [<Literal>]
    let private MaxRemembered = 10_000

    let create (source: string) : Result<RegexPattern, string> =
        match compiled.TryGetValue source with
        | true, known -> Ok known
        | _ ->
            try
                let regex =
                    Regex(translate source, RegexOptions.Singleline ||| RegexOptions.CultureInvariant, matchTimeout)

                let pattern = { Source = source; Compiled = regex }

                if compiled.Count < MaxRemembered then
                    compiled.TryAdd(source, pattern) |> ignore

                Ok pattern
            with :? ArgumentException as e ->
                Error e.Message

    let source pattern = pattern.Source

    let tryIsMatch (text: string) pattern =
        try
            Some(pattern.Compiled.IsMatch text)
        with :? RegexMatchTimeoutException ->
            None

    let groups pattern =
        pattern.Compiled.GetGroupNames()
        |> Array.filter (fun name -> name <> "0")
        |> List.ofArray

    let tryCapture (group: string) (text: string) pattern =
        try
            let found = pattern.Compiled.Match text
            let captured = found.Groups[group]

            if found.Success && captured.Success then
                Some(Some captured.Value)
            else
                Some None
        with :? RegexMatchTimeoutException ->
            None
