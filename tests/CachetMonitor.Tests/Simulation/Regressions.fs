/// Bugs the simulation found, each as the smallest scenario that showed it, run over a few seeds (the seed only
/// moves latencies, jitter and fault draws). A case is pending (ptestCase) until its fix lands.
module CachetMonitor.Tests.Simulation.Regressions

open CachetMonitor.Domain
open Expecto

let private endpoint name componentId actions : EndpointSpec =
    {
        Name = name
        ComponentId = componentId
        AllowedFails = 0
        SuccessThreshold = 1
        Actions = actions
        FrequencySeconds = 10.0
        MetricId = None
        Public = true
    }

let private both = [ UpdateStatus; CreateIncident ]

/// A one-hour run of `config` with `events` (minutes from the start) and nothing else happening.
let private scenario seed config leftovers (events: (float * WorldEvent) list) =
    let finish = Ticks.ofHours 1.0

    {
        Seed = seed
        Config = config
        Events = events |> List.map (fun (minutes, event) -> Ticks.ofMinutes minutes, event)
        QuietFrom = finish - Scenario.quiet
        End = finish
        ListsAll = true
        Leftovers = leftovers
        ComponentIds = [ 1..5 ]
        MetricIds = []
        EndpointNames = [ for i in 1..12 -> $"e{i}" ]
    }

let private holds (name: string) (make: int -> Scenario) =
    let failed =
        SimulationTests.onSimulationThread (fun () ->
            [ 1..20 ]
            |> List.map (fun seed -> Runner.run (make seed) NoMutant false)
            |> List.filter (fun result -> not result.Violations.IsEmpty))

    match failed with
    | [] -> ()
    | first :: _ ->
        failtest
            $"{name}: {failed.Length} of 20 seeds broke an invariant; seed {first.Scenario.Seed}: %A{first.Violations}"

let private slowCachet =
    FaultsOn
        {
            ServerError = 0.8
            RateLimited = 0.0
            TimedOut = 0.0
            LostAnswer = 0.0
            BadRequest = 0.0
        }

[<Tests>]
let tests =
    testList
        "simulation regressions"
        [
            // A create failing with 401 when the config got a new token was retried with the new token after the
            // re-adoption had opened the incident afresh: two incidents (also HotReloadTests' SIGHUP case).
            testCase "a write failing when the Cachet token changes is not retried against the new one"
            <| fun () ->
                holds "token change" (fun seed ->
                    scenario
                        seed
                        [ endpoint "e1" 1 both ]
                        []
                        [ 1.0, TokenRevoked 120.0; 1.5, TruthChanges("e1", Failing Major) ])

            // A component taken out of the config and put back while its old sync was still resolving our incident
            // (Cachet slow): the new sync adopted the incident, the old one resolved it, and the new one took that for
            // a person's resolve and stayed silent while the endpoint was down.
            testCase "a component put back while its retire is still being written keeps its incident"
            <| fun () ->
                holds "flicker" (fun seed ->
                    scenario
                        seed
                        [ endpoint "e1" 1 both; endpoint "e2" 2 both ]
                        []
                        [
                            1.0, TruthChanges("e1", Failing Major)
                            5.0, slowCachet
                            5.5, Reload [ endpoint "e2" 2 both ]
                            5.55, Reload [ endpoint "e1" 1 both; endpoint "e2" 2 both ]
                            9.0, FaultsOff
                        ])

            // A component monitored for its status only, with an incident of ours left open on it (by a process
            // killed while the component had no CREATE_INCIDENT endpoint), gets one by a reload: the core, which
            // had never read the component's incidents, opened a second.
            testCase
                "a reload that gives a component its first CREATE_INCIDENT endpoint adopts the incident of ours left on it"
            <| fun () ->
                holds "first CREATE_INCIDENT" (fun seed ->
                    scenario
                        seed
                        [ endpoint "e1" 1 [ UpdateStatus ] ]
                        [ 1, "e2 is unavailable" ]
                        [
                            0.0, TruthChanges("e2", Failing Major)
                            2.0, Reload [ endpoint "e1" 1 [ UpdateStatus ]; endpoint "e2" 1 both ]
                        ])
        ]
