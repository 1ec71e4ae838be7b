/// The component model end to end: the real executable against the fake Cachet, with several endpoints on one
/// component, people's incidents, restarts and reloads.
module CachetMonitor.Tests.Host.ComponentScenarios

open System
open System.IO
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support.ScenarioSupport

let private token = "component-token-0001"
let private SIGHUP = 1

let private statusAndIncidents =
    statusExpectation @ [ "action: [UPDATE_STATUS, CREATE_INCIDENT]" ]

let private replace = replaceFile
let private startOn (path: string) = startWith path []
let private holds = holdsFor

/// What a person does in Cachet's dashboard, through the API with a token of their own.
let private asPerson (cachet: FakeCachet) (method: string) (path: string) (json: string) =
    task {
        use http = new Net.Http.HttpClient()

        use request =
            new Net.Http.HttpRequestMessage(Net.Http.HttpMethod method, cachet.BaseUrl + path)

        request.Headers.Add("X-Cachet-Token", "a-person-token-0002")
        request.Content <- new Net.Http.StringContent(json, Text.Encoding.UTF8, "application/json")
        use! response = http.SendAsync request
        Expect.isTrue response.IsSuccessStatusCode $"{method} {path} as a person"
    }

let private openIncidents = openIncidentsOf

[<Tests>]
let tests =
    testSequenced
    <| testList
        "components end to end"
        [
            for version in cachetVersions do
                testTask (
                    onVersion
                        "the original README's two endpoints on one component: one recovering leaves the outage; a restart does not resolve it; the last recovery does"
                        version
                ) {
                    let! (stage: Stage) = Stage.StartAsync(token, version)
                    use _ = stage
                    let target, cachet, site = stage.Target, stage.Cachet, stage.Api

                    let yaml =
                        config
                            cachet.BaseUrl
                            token
                            [
                                endpointYaml "Amazon" (target.Url "/amazon") site.Id statusAndIncidents
                                endpointYaml "Insecure-site" (target.Url "/insecure") site.Id statusAndIncidents
                            ]
                            []

                    let path = stage.Dir.Write("config.yml", yaml)
                    File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                    target.Set("/amazon", TargetBehaviour.WithStatus 503)
                    target.Set("/insecure", TargetBehaviour.WithStatus 503)
                    let! first = startOn path

                    do!
                        waitFor first "one incident opens for the component" (fun () ->
                            (openIncidents cachet site.Id).Length = 1 && statusOf cachet site.Id = 3)

                    target.Set("/amazon", TargetBehaviour.Ok())

                    do!
                        holds (seconds 1.5) first "Amazon's recovery leaves the outage and its incident" (fun () ->
                            (openIncidents cachet site.Id).Length = 1 && statusOf cachet site.Id = 3)

                    let! _ = stopWith SIGTERM (seconds 5.0) first
                    use! second = startOn path

                    do!
                        holds
                            (seconds 1.5)
                            second
                            "after the restart the healthy endpoint does not resolve it"
                            (fun () -> (openIncidents cachet site.Id).Length = 1 && statusOf cachet site.Id = 3)

                    target.Set("/insecure", TargetBehaviour.Ok())

                    do!
                        waitFor second "the last recovery resolves it" (fun () ->
                            (openIncidents cachet site.Id).IsEmpty && statusOf cachet site.Id = 1)

                    Expect.equal (incidentsOf cachet site.Id).Length 1 "one incident in all"
                    let! _ = stopWith SIGTERM (seconds 5.0) second
                    ()
                }

            testTask
                "each resync learns of people's edits: a changed status is put back, our incident resolved by hand is not reopened until the next outage" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                cachet.AddToken "a-person-token-0002"

                let yaml =
                    stage.Config("UPDATE_STATUS, CREATE_INCIDENT", [ "  resync_interval: 1" ])

                let path = stage.Dir.Write("config.yml", yaml)
                File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                target.Set("/health", TargetBehaviour.WithStatus 503)
                use! running = startOn path

                do!
                    waitFor running "the incident opens" (fun () ->
                        (openIncidents cachet api.Id).Length = 1 && statusOf cachet api.Id = 3)

                let ours = openIncidents cachet api.Id |> List.exactlyOne

                do!
                    asPerson
                        cachet
                        "POST"
                        $"/incidents/{ours.Id}/updates"
                        """{"status": 4, "message": "Fixed by hand"}"""

                do! asPerson cachet "PUT" $"/components/{api.Id}" """{"status": 2}"""
                do! waitFor running "the changed status is put back" (fun () -> statusOf cachet api.Id = 3)

                do!
                    holds
                        (seconds 2.5)
                        running
                        "the incident resolved by hand stays resolved, and none is opened"
                        (fun () -> (openIncidents cachet api.Id).IsEmpty && (incidentsOf cachet api.Id).Length = 1)

                target.Set("/health", TargetBehaviour.Ok())
                do! waitFor running "the recovery is shown" (fun () -> statusOf cachet api.Id = 1)
                target.Set("/health", TargetBehaviour.WithStatus 503)

                do!
                    waitFor running "the next outage opens a new incident" (fun () ->
                        (openIncidents cachet api.Id).Length = 1)

                Expect.equal (incidentsOf cachet api.Id).Length 2 "two incidents in all"
                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
            }

            for version in cachetVersions do
                testTask (
                    onVersion
                        "killed right after Cachet created the incident but before the monitor heard back: the next start adopts it, no duplicate"
                        version
                ) {
                    let! (stage: Stage) = Stage.StartAsync(token, version)
                    use _ = stage
                    let target, cachet, api = stage.Target, stage.Cachet, stage.Api

                    let path =
                        stage.Dir.Write("config.yml", stage.Config "UPDATE_STATUS, CREATE_INCIDENT")

                    File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                    use! first = startOn path
                    cachet.FailUntilCleared(CachetFault.AnswerLost(), "POST", "/incidents")
                    target.Set("/health", TargetBehaviour.WithStatus 503)
                    do! waitFor first "Cachet created the incident" (fun () -> (incidentsOf cachet api.Id).Length = 1)
                    first.Signal 9
                    let! _ = first.WaitForExit(seconds 10.0)
                    cachet.ClearFaults()
                    use! second = startOn path

                    do!
                        holds (seconds 1.5) second "the incident is adopted, not created again" (fun () ->
                            (incidentsOf cachet api.Id).Length = 1)

                    target.Set("/health", TargetBehaviour.Ok())

                    do!
                        waitFor second "and resolved on recovery" (fun () ->
                            (openIncidents cachet api.Id).IsEmpty && statusOf cachet api.Id = 1)

                    Expect.equal (incidentsOf cachet api.Id).Length 1 "one incident in all"
                    let! _ = stopWith SIGTERM (seconds 5.0) second
                    ()
                }

            testTask
                "a reload adding an endpoint with a mistyped metric_id reports it and still keeps its component's status" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                let other = cachet.AddComponent("other", 1)
                let first = endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents

                let added =
                    endpointYaml
                        "other"
                        (target.Url "/other")
                        other.Id
                        (statusExpectation
                         @ [ "action: [UPDATE_STATUS, PUSH_METRICS]"; "metric_id: 999" ])

                let path = stage.Dir.Write("config.yml", config cachet.BaseUrl token [ first ] [])
                File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                use! running = startOn path
                replace path (config cachet.BaseUrl token [ first; added ] [])

                do! waitFor running "the missing metric is reported" (fun () -> running.Output.Contains "metric_id 999")

                target.Set("/other", TargetBehaviour.WithStatus 503)

                do!
                    waitFor running "the added endpoint's outage is still written" (fun () ->
                        statusOf cachet other.Id = 3)

                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
            }

            testTask "a person's incident is neither adopted nor resolved, and the status is not set better than it" {
                let! (stage: Stage) = Stage.StartAsync(token, status = 3)
                use _ = stage
                let cachet, api = stage.Cachet, stage.Api
                let person = cachet.AddIncident("Database maintenance", 2, componentId = api.Id)

                let path =
                    stage.Dir.Write("config.yml", stage.Config "UPDATE_STATUS, CREATE_INCIDENT")

                File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                use! running = startOn path
                do! waitFor running "checks pass" (fun () -> stage.Target.Hits "/health" >= 5)

                do!
                    holds (seconds 1.0) running "the person's incident and its outage stay" (fun () ->
                        (cachet.Incident person.Id |> nonNull).Status = 2 && statusOf cachet api.Id = 3)

                Expect.isEmpty (requestsTo cachet "POST" $"/incidents/{person.Id}") "never updated"
                Expect.isEmpty (requestsTo cachet "PUT" $"/incidents/{person.Id}") "never changed"
                Expect.equal (incidentsOf cachet api.Id).Length 1 "no incident of ours either"
                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
            }

            testTask
                "a reload that removes a component resolves our incident on it, saying why, and puts its status back" {
                let! (stage: Stage) = Stage.StartAsync(token)
                use _ = stage
                let target, cachet, api = stage.Target, stage.Cachet, stage.Api
                let other = cachet.AddComponent("other", 1)

                let yamlWith endpoints =
                    config cachet.BaseUrl token endpoints []

                let apiEndpoint =
                    endpointYaml "api" (target.Url "/health") api.Id statusAndIncidents

                let otherEndpoint =
                    endpointYaml "other" (target.Url "/other") other.Id statusAndIncidents

                let path = stage.Dir.Write("config.yml", yamlWith [ apiEndpoint; otherEndpoint ])
                File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                target.Set("/health", TargetBehaviour.WithStatus 503)
                use! running = startOn path
                do! waitFor running "the incident opens" (fun () -> (openIncidents cachet api.Id).Length = 1)
                replace path (yamlWith [ otherEndpoint ])

                do!
                    waitFor running "our incident is resolved and the status put back" (fun () ->
                        (openIncidents cachet api.Id).IsEmpty && statusOf cachet api.Id = 1)

                let incident = incidentsOf cachet api.Id |> List.exactlyOne

                Expect.stringContains
                    (incident.Updates |> Seq.last).Message
                    "no longer monitored"
                    "the resolution says why"

                let! _ = stopWith SIGTERM (seconds 5.0) running
                ()
            }

            for version in cachetVersions do
                testTask (
                    onVersion
                        "a reload that points api_url at another Cachet adopts that one afresh and leaves the old one alone"
                        version
                ) {
                    let! (stage: Stage) = Stage.StartAsync(token, version)
                    use _ = stage
                    let target, old = stage.Target, stage.Cachet
                    let! (next: FakeCachet) = FakeCachet.StartAsync(version)
                    use _ = next
                    next.AddToken token
                    let moved = next.AddComponent("api", 1)
                    Expect.equal moved.Id stage.Api.Id "the same component id on both"

                    let path =
                        stage.Dir.Write("config.yml", stage.Config "UPDATE_STATUS, CREATE_INCIDENT")

                    File.SetUnixFileMode(path, UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                    target.Set("/health", TargetBehaviour.WithStatus 503)
                    use! running = startOn path

                    do!
                        waitFor running "the incident (which sets the status) is written to the first" (fun () ->
                            (openIncidents old moved.Id).Length = 1 && statusOf old moved.Id = 3)

                    // Nothing more is due to the first Cachet once the outage is shown there (on 3.x the incident's
                    // impact and the component's own status are two writes).
                    do!
                        waitFor running "the component's own status is written too" (fun () ->
                            (nonNull (old.Component moved.Id)).Status = 3)

                    let writes () =
                        old.Requests |> Seq.filter (fun r -> r.Method <> "GET") |> Seq.length

                    let written = writes ()
                    do! holds (seconds 0.5) running "no further write is due" (fun () -> writes () = written)

                    if version <> FakeCachetVersion.V3 then
                        Expect.isEmpty (requestsTo old "PUT" "/components") "on 2.x the incident set the status: no PUT"

                    let writesBefore = old.Requests.Count
                    replace path ((File.ReadAllText path).Replace(old.BaseUrl, next.BaseUrl))
                    running.Signal SIGHUP

                    do!
                        waitFor running "the outage is written to the new Cachet" (fun () ->
                            (openIncidents next moved.Id).Length = 1 && statusOf next moved.Id = 3)

                    target.Set("/health", TargetBehaviour.Ok())

                    do!
                        waitFor running "and resolved there" (fun () ->
                            (openIncidents next moved.Id).IsEmpty && statusOf next moved.Id = 1)

                    Expect.equal
                        (old.Requests
                         |> Seq.skip writesBefore
                         |> Seq.filter (fun r -> r.Method <> "GET")
                         |> Seq.length)
                        0
                        "nothing more written to the old Cachet"

                    let! _ = stopWith SIGTERM (seconds 5.0) running
                    ()
                }
        ]
