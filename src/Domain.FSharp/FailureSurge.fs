namespace CachetMonitor.Domain

/// The all-failing heuristic (`connectivity.all_failing_threshold`): when nearly every endpoint fails at once the
/// cause is more likely the monitor's own network than every target, so writes are held for one more round of checks
/// before the failures are believed.
type FailureSurge =
    {
        /// The share of the endpoints (0 < t ≤ 1) that must fail within a minute.
        Threshold: float
        /// The endpoints counted (the denominator): every endpoint of the running config.
        Endpoints: Set<string>
        /// The endpoints whose latest check failed, with that check's start (Unix seconds).
        Failing: Map<string, int64>
        /// While holding: the endpoints failing when the hold began that have not been checked since.
        Awaiting: Set<string> option
        /// A round confirmed the surge: it is believed, and no new hold begins until it is over.
        Believed: bool
    }

/// What a check changed about the hold.
type SurgeChange =
    /// Writes are held: `failing` of `total` endpoints failed within a minute.
    | HoldBegins of failing: int * total: int
    /// The round is over: writes go on; `believed` when the endpoints still fail (the outage is real).
    | HoldEnds of believed: bool

/// The heuristic's steps: a pure state machine fed with every check's outcome.
[<RequireQualifiedAccess>]
module FailureSurge =
    /// Fewer endpoints than this never make a surge (one of two failing says nothing about the network).
    [<Literal>]
    let MinEndpoints = 5

    /// Failures count together when their checks started within this many seconds of the newest.
    [<Literal>]
    let WindowSeconds = 60L

    /// No check seen yet.
    let start threshold (endpoints: string seq) =
        {
            Threshold = threshold
            Endpoints = Set.ofSeq endpoints
            Failing = Map.empty
            Awaiting = None
            Believed = false
        }

    /// Whether writes are held now.
    let isHolding (surge: FailureSurge) = surge.Awaiting.IsSome

    /// The endpoints failing within the minute before `now`.
    let private failingAt (now: int64) (surge: FailureSurge) =
        surge.Failing
        |> Map.filter (fun _ at -> now - at < WindowSeconds)
        |> Map.keys
        |> Set.ofSeq

    let private surging now (surge: FailureSurge) =
        let total = surge.Endpoints.Count

        total >= MinEndpoints
        && float (failingAt now surge).Count >= surge.Threshold * float total

    /// One check of `endpoint` (started at `unixSeconds`): the state after it, and whether the hold began or ended.
    let observe (endpoint: string) (failed: bool) (unixSeconds: int64) (surge: FailureSurge) =
        if not (surge.Endpoints.Contains endpoint) then
            surge, None
        else
            let surge =
                { surge with
                    Failing =
                        if failed then
                            Map.add endpoint unixSeconds surge.Failing
                        else
                            Map.remove endpoint surge.Failing
                }

            let isSurging = surging unixSeconds surge

            match surge.Awaiting with
            | Some awaiting ->
                let left = Set.remove endpoint awaiting

                if left.IsEmpty then
                    // One more round seen: believe what it says.
                    { surge with
                        Awaiting = None
                        Believed = isSurging
                    },
                    Some(HoldEnds isSurging)
                else
                    { surge with Awaiting = Some left }, None
            | None when isSurging && not surge.Believed ->
                let failing = failingAt unixSeconds surge

                { surge with Awaiting = Some failing }, Some(HoldBegins(failing.Count, surge.Endpoints.Count))
            | None ->
                { surge with
                    Believed = surge.Believed && isSurging
                },
                None
