module CachetMonitor.Tests.Domain.MonitorProperties

open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain

/// A small model of Cachet as far as one endpoint is concerned: the component's status and whether an incident
/// is open (Cachet's incidents carry no severity: the component status shows it). `Violations` records commands
/// that make no sense against it (a second incident, an update or resolve without one).
type Cachet =
    {
        Status: ComponentStatus
        Incident: bool
        Violations: string list
    }

/// Executing monitor commands on the Cachet model.
[<RequireQualifiedAccess>]
module Cachet =
    /// An operational component without an incident.
    let operational =
        {
            Status = Operational
            Incident = false
            Violations = []
        }

    let private expectIncident expected text cachet =
        if cachet.Incident = expected then
            cachet
        else
            { cachet with
                Violations = text :: cachet.Violations
            }

    /// Applies one command as Cachet would.
    let execute cachet command =
        match command with
        | SetComponentStatus status -> { cachet with Status = status }
        | OpenIncident opening ->
            { expectIncident false "opened an incident while one is open" cachet with
                Status = Severity.toComponentStatus opening.Severity
                Incident = true
            }
        | UpdateIncident change ->
            { expectIncident true "updated an incident while none is open" cachet with
                Status = Severity.toComponentStatus change.Severity
            }
        | ResolveIncident _ ->
            { expectIncident true "resolved an incident while none is open" cachet with
                Status = Operational
                Incident = false
            }
        | PushMetric _
        | NotifyWebhooks _ -> cachet

    /// The monitor state adopted from this Cachet (the incident's id is irrelevant to the model).
    let adopt policy cachet =
        Monitor.adopt policy cachet.Status (if cachet.Incident then Some 99 else None)

    /// What an observer of the status page sees.
    let shown cachet = cachet.Status, cachet.Incident

    /// Whether the status shows the open incident, if any (as every state this monitor produces does).
    let consistent cachet =
        not cachet.Incident || Severity.ofComponentStatus cachet.Status |> Option.isSome

/// One check of a run: the verdict, the Cachet model before it, and the commands it produced.
type private Step =
    {
        Verdict: Verdict
        Before: Cachet
        Commands: MonitorCommand list
    }

/// Steps every verdict from a state, executing the commands on the Cachet model.
let private runOn policy state cachet verdicts =
    let folder (state, cachet) verdict =
        let next, commands = Monitor.step policy state verdict

        {
            Verdict = verdict
            Before = cachet
            Commands = commands
        },
        (next, List.fold Cachet.execute cachet commands)

    let steps, (state, cachet) = List.mapFold folder (state, cachet) verdicts
    steps, state, cachet

let private has action (policy: Policy) = policy.Actions.Contains action

let private isFailure verdict =
    match verdict with
    | Failed _ -> true
    | Passed _ -> false

/// A policy and a verdict sequence, starting from some Cachet state.
type Scenario =
    {
        Policy: Policy
        Start: Cachet
        Verdicts: Verdict list
    }

/// Runs a scenario from the state adopted from its start.
let private runScenario (scenario: Scenario) =
    runOn scenario.Policy (Cachet.adopt scenario.Policy scenario.Start) scenario.Start scenario.Verdicts

/// Whether a check holds of every step of a scenario's run.
let private forEveryStep (check: Policy -> Step -> bool) (scenario: Scenario) =
    let steps, _, _ = runScenario scenario
    steps |> List.forall (check scenario.Policy)

/// A restart: the checks before it, the checks after it; the last `max(A + 1, S)` checks after it are of one kind.
type RestartScenario =
    {
        Policy: Policy
        Start: Cachet
        Before: Verdict list
        After: Verdict list
    }

/// One check's outcome kind: a pass, or a failure of one severity.
type private Kind =
    | Pass
    | Fail of Severity

let private titles =
    {
        Outage = "{name} is unavailable"
        Performance = "{name} has degraded performance"
        Operational = "{name} is operational"
    }

let private genPolicy =
    gen {
        let! allowedFails = Gen.choose (0, 3)
        let! successThreshold = Gen.choose (1, 3)
        let! actions = Gen.subListOf [ UpdateStatus; CreateIncident; PushMetrics ]
        let! unit = Gen.elements [ Milliseconds; Seconds; Minutes; Hours ]
        let! visible = Gen.elements [ true; false ]

        return
            {
                AllowedFails = allowedFails
                SuccessThreshold = successThreshold
                Actions = Set.ofSeq actions
                LatencyUnit = unit
                Titles = titles
                PublicIncidents = visible
            }
    }

let private genKind =
    Gen.frequency
        [
            3, Gen.constant Pass
            1, Gen.constant (Fail Performance)
            1, Gen.constant (Fail Partial)
            1, Gen.constant (Fail Major)
        ]

let private genLatency =
    Gen.choose (1, 3000) |> Gen.map (fun ms -> float ms / 1000.0)

let private genVerdict kind =
    match kind with
    | Pass -> genLatency |> Gen.map Passed
    | Fail severity ->
        gen {
            let! message =
                Gen.elements [ "Unexpected HTTP status (503)"; "Request timed out"; "Regex did not match" ]

            let! latency = Gen.optionOf genLatency

            return
                Failed
                    {
                        Severity = severity
                        Message = message
                        LatencySeconds = latency
                    }
        }

let private genRun kind length =
    Gen.listOfLength length (genVerdict kind)

/// Verdicts in runs of one kind, so that thresholds are crossed as often as blips happen.
let private genVerdicts =
    gen {
        let! runs = Gen.choose (0, 8)

        let! parts =
            Gen.listOfLength
                runs
                (gen {
                    let! kind = genKind
                    let! length = Gen.choose (1, 5)
                    return! genRun kind length
                })

        return List.concat parts
    }

let private genCachet =
    gen {
        let! status = Gen.elements ComponentStatus.all
        let! incident = Gen.elements [ true; false ]

        return
            {
                Status = status
                Incident = incident
                Violations = []
            }
    }

/// Custom generators for the monitor's properties.
type Gens =
    /// Any policy, start and verdict sequence.
    static member Scenario() : Arbitrary<Scenario> =
        gen {
            let! policy = genPolicy
            let! start = Gen.frequency [ 2, Gen.constant Cachet.operational; 1, genCachet ]
            let! verdicts = genVerdicts

            return
                {
                    Policy = policy
                    Start = start
                    Verdicts = verdicts
                }
        }
        |> Arb.fromGen

    /// Any restart, ending with a run of one kind long enough to settle after it.
    static member RestartScenario() : Arbitrary<RestartScenario> =
        gen {
            let! policy = genPolicy
            let! start = Gen.frequency [ 2, Gen.constant Cachet.operational; 1, genCachet ]
            let! before = genVerdicts
            let! middle = genVerdicts
            let! kind = genKind
            let! extra = Gen.choose (0, 3)
            let settle = max (policy.AllowedFails + 1) policy.SuccessThreshold
            let! last = genRun kind (settle + extra)

            return
                {
                    Policy = policy
                    Start = start
                    Before = before
                    After = middle @ last
                }
        }
        |> Arb.fromGen

let private config =
    { FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<Gens> ]
        maxTest = 300
    }

let private property name body = testPropertyWithConfig config name body

/// The consecutive failures ending at each check, counted independently of the monitor.
let private failureStreaks verdicts =
    verdicts
    |> List.scan (fun streak verdict -> if isFailure verdict then streak + 1 else 0) 0
    |> List.tail

let private isFailingChange command =
    match command with
    | SetComponentStatus status -> status <> Operational
    | OpenIncident _
    | UpdateIncident _ -> true
    | ResolveIncident _
    | PushMetric _
    | NotifyWebhooks _ -> false

let private isMetric command =
    match command with
    | PushMetric _ -> true
    | _ -> false

/// Whether each incident command is followed by exactly one webhook notice for its event, and no notice stands alone.
let rec private noticesPaired commands =
    match commands with
    | OpenIncident _ :: NotifyWebhooks { Event = Opened } :: rest
    | UpdateIncident _ :: NotifyWebhooks { Event = Changed } :: rest
    | ResolveIncident _ :: NotifyWebhooks { Event = Resolved } :: rest -> noticesPaired rest
    | (OpenIncident _ | UpdateIncident _ | ResolveIncident _ | NotifyWebhooks _) :: _ -> false
    | (SetComponentStatus _ | PushMetric _) :: rest -> noticesPaired rest
    | [] -> true

let private endpointWith actions : Endpoint =
    {
        Name = "api"
        RawUrl = "http://api.example/"
        Url = "http://api.example/"
        Method = "GET"
        Headers = []
        Body = None
        TimeoutSeconds = 1.0
        Insecure = false
        Expectations = []
        AllowedFails = 1
        SuccessThreshold = 2
        ComponentId = 1
        MetricId = Some 1
        LatencyUnit = Milliseconds
        Actions = Set.ofSeq actions
        PublicIncidents = true
        FrequencySeconds = 30.0
        OnTimeout = Performance
        OnUnreachable = Partial
        Titles = titles
        TemplateValues = Map.empty
    }

[<Tests>]
let tests =
    testList
        "Monitor properties"
        [
            property
                "no incident opens, and a component shown up gets no failing status, before A+1 consecutive failures"
            <| fun (scenario: Scenario) ->
                let steps, _, _ = runScenario scenario

                let crossed streak =
                    streak >= scenario.Policy.AllowedFails + 1

                let opens step =
                    step.Commands
                    |> List.exists (function
                        | OpenIncident _ -> true
                        | _ -> false)

                List.zip steps (failureStreaks scenario.Verdicts)
                |> List.forall (fun (step, streak) ->
                    crossed streak
                    || not (opens step)
                       && (Cachet.shown step.Before <> (Operational, false)
                           || not (List.exists isFailingChange step.Commands)))

            property "A+1 consecutive failures always show in Cachet, with the last check's severity"
            <| fun (scenario: Scenario) ->
                let p = scenario.Policy

                let steps, _, _ = runScenario scenario

                let cachets =
                    List.scan (List.fold Cachet.execute) scenario.Start (steps |> List.map (fun s -> s.Commands))
                    |> List.tail

                List.zip3 scenario.Verdicts (failureStreaks scenario.Verdicts) cachets
                |> List.forall (fun (verdict, streak, cachet) ->
                    match verdict with
                    | Failed failure when streak >= p.AllowedFails + 1 ->
                        let status = Severity.toComponentStatus failure.Severity
                        let shows = has UpdateStatus p || has CreateIncident p

                        (not shows || cachet.Status = status)
                        && (not (has CreateIncident p) || cachet.Incident)
                    | _ -> true)
                || not (Cachet.consistent scenario.Start)

            property "a blip of at most A failures emits nothing but metrics"
            <| fun (scenario: Scenario) (blip: byte) (passes: byte) ->
                let p = scenario.Policy

                let failures =
                    scenario.Verdicts |> List.filter isFailure |> List.truncate p.AllowedFails

                let failures = failures |> List.truncate (int blip % (p.AllowedFails + 1))
                let recovery = List.replicate (1 + int passes % 3) (Passed 0.1)

                let steps, _, _ =
                    runOn p (Cachet.adopt p Cachet.operational) Cachet.operational (failures @ recovery)

                steps |> List.forall (fun step -> List.forall isMetric step.Commands)

            property "a recovery blip of fewer than S passes emits nothing but metrics while down"
            <| fun (scenario: Scenario) (severity: Severity) (passes: byte) ->
                let p = scenario.Policy

                let fail =
                    Failed
                        {
                            Severity = severity
                            Message = "down"
                            LatencySeconds = None
                        }

                let down = List.replicate (p.AllowedFails + 1) fail
                let blip = List.replicate (int passes % p.SuccessThreshold) (Passed 0.1)
                let start = Cachet.adopt p Cachet.operational
                let _, state, cachet = runOn p start Cachet.operational down
                let steps, _, _ = runOn p state cachet (blip @ [ fail; fail ])
                steps |> List.forall (fun step -> List.forall isMetric step.Commands)

            property "no incident is ever opened while one is open, and none is updated or resolved when none is"
            <| fun (scenario: Scenario) ->
                let _, _, cachet = runScenario scenario

                cachet.Violations = []

            property "S passes resolve every incident the monitor knows, and fewer do not"
            <| fun (scenario: Scenario) ->
                let p = scenario.Policy
                let start = Cachet.adopt p scenario.Start
                let _, state, cachet = runOn p start scenario.Start scenario.Verdicts

                let _, almost, almostCachet =
                    runOn p state cachet (List.replicate (p.SuccessThreshold - 1) (Passed 0.1))

                let _, _, final = runOn p almost almostCachet [ Passed 0.1 ]
                let lastFailed = scenario.Verdicts |> List.tryLast |> Option.exists isFailure

                let resolvedAtTheEnd = not (has CreateIncident p) || not final.Incident

                let operationalAtTheEnd = not (has UpdateStatus p) || final.Status = Operational

                let notBefore =
                    p.SuccessThreshold = 1
                    || not lastFailed
                    || almostCachet.Incident = cachet.Incident

                resolvedAtTheEnd && operationalAtTheEnd && notBefore

            property "the order of the actions never changes the commands"
            <| fun (scenario: Scenario) (seed: int) ->
                let actions = Set.toList scenario.Policy.Actions
                let shuffled = actions |> List.sortBy (fun a -> hash (a, seed))
                let policyOf list = Monitor.policyOf (endpointWith list)

                let commands p =
                    runOn p (Cachet.adopt p scenario.Start) scenario.Start scenario.Verdicts
                    |> fun (s, _, _) -> s |> List.map (fun x -> x.Commands)

                commands (policyOf actions) = commands (policyOf (List.rev actions))
                && commands (policyOf actions) = commands (policyOf shuffled)

            property "a restart never opens a second incident and ends where an uninterrupted run ends"
            <| fun (scenario: RestartScenario) ->
                let p = scenario.Policy
                let all = scenario.Before @ scenario.After
                let _, _, uninterrupted = runOn p (Cachet.adopt p scenario.Start) scenario.Start all

                let _, _, atRestart =
                    runOn p (Cachet.adopt p scenario.Start) scenario.Start scenario.Before

                let _, _, restarted = runOn p (Cachet.adopt p atRestart) atRestart scenario.After

                restarted.Violations = []
                && uninterrupted.Violations = []
                && Cachet.shown restarted = Cachet.shown uninterrupted

            property "exactly one metric, in the policy's unit, for every check with a response and PUSH_METRICS"
            <| forEveryStep (fun p step ->
                let latency =
                    match step.Verdict with
                    | Passed seconds -> Some seconds
                    | Failed failure -> failure.LatencySeconds

                let metrics = step.Commands |> List.filter isMetric

                match latency with
                | Some seconds when has PushMetrics p ->
                    metrics = [ PushMetric(LatencyUnit.fromSeconds p.LatencyUnit seconds) ]
                    && List.head step.Commands = List.head metrics
                | _ -> List.isEmpty metrics)

            property "webhooks fire only with CREATE_INCIDENT, exactly once per incident event"
            <| forEveryStep (fun p step ->
                noticesPaired step.Commands
                && (has CreateIncident p
                    || not (
                        step.Commands
                        |> List.exists (function
                            | NotifyWebhooks _ -> true
                            | _ -> false)
                    )))
        ]
