/// The host's HTTP clients come from IHttpClientFactory: one socket pool per client name for the life of the process,
/// the User-Agent on every request, and no redirects followed for Cachet.
module CachetMonitor.Tests.Host.HttpClientWiringTests

open System
open System.Net.Http
open System.Threading
open Expecto
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Http
open Microsoft.Extensions.Logging
open Microsoft.Extensions.Options
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Host.Configuration
open CachetMonitor.Host.Hosting
open CachetMonitor.Host.Secrets
open CachetMonitor.Tests.Support.MonitorProcess
open CachetMonitor.Tests.Support

/// Passes every request on: each instance is one handler chain, so counting them counts the socket pools.
type private PassThrough() =
    inherit DelegatingHandler()

let private oldToken = "wiring-token-old-0001"
let private newToken = "wiring-token-new-0002"

let private reloadKeepsPool =
    testTask "a hot reload to a new Cachet token makes a new client over the same socket pool" {
        use dir = new TempDir()
        let! (cachet: FakeCachet) = FakeCachet.StartAsync(FakeCachetVersion.V24)
        use _ = cachet
        cachet.AddToken oldToken
        let monitored = cachet.AddComponent("a", 1)

        let write token =
            dir.Write(
                "config.yml",
                ScenarioSupport.config
                    cachet.BaseUrl
                    token
                    [
                        ScenarioSupport.endpointYaml
                            "a"
                            "http://127.0.0.1:9/"
                            monitored.Id
                            ScenarioSupport.statusExpectation
                    ]
                    []
            )

        let path = write oldToken
        let loaded = ConfigLoader.Load(path, (fun _ -> null))
        Expect.isTrue loaded.IsValid $"the config is valid: {loaded.Errors}"
        let target = ReloadTarget(path, (fun _ -> null), (fun config -> config), false)
        let builder = Host.CreateApplicationBuilder([||])
        builder.Logging.ClearProviders() |> ignore
        let services = builder.Services

        services.AddCachetMonitor(MonitorRunOptions(nonNull loaded.Config, oldToken, target, null), SecretRedactor())
        |> ignore

        let chains = ref 0

        services
            .AddHttpClient(MonitorHttpClients.Cachet)
            .AddHttpMessageHandler(
                Func<DelegatingHandler>(fun () ->
                    chains.Value <- chains.Value + 1
                    new PassThrough())
            )
        |> ignore

        // Built, not started: the test drives the reload itself.
        let host = builder.Build()
        let provider = host.Services
        let api = provider.GetRequiredService<ICachetApi>()
        let! _ = api.GetComponentAsync(ComponentId(monitored.Id), CancellationToken.None)

        let reloader =
            provider.GetServices<IHostedService>()
            |> Seq.pick (fun s ->
                match s with
                | :? ConfigReloader as r -> Some r
                | _ -> None)

        cachet.RemoveToken oldToken
        cachet.AddToken newToken
        write newToken |> ignore
        do! reloader.ReloadAsync(true, CancellationToken.None)
        // The old token is gone from the fake: this read succeeds only through the client made at the reload.
        let! _ = api.GetComponentAsync(ComponentId(monitored.Id), CancellationToken.None)
        do! (host :?> IAsyncDisposable).DisposeAsync()

        Expect.equal chains.Value 1 "one handler chain, so one socket pool, before and after the reload"

        let reads =
            cachet.Requests
            |> Seq.filter (fun r -> r.Path.EndsWith $"/components/{monitored.Id}")
            |> List.ofSeq

        Expect.equal
            (reads |> List.map (fun r -> r.Header "X-Cachet-Token"))
            [ oldToken; newToken ]
            "the read before the reload sends the old token, the one after it the new token"

        for read in reads do
            Expect.stringStarts
                (read.Header "User-Agent" |> Option.ofObj |> Option.defaultValue "")
                "cachet-monitor/"
                "User-Agent"
    }

let private namedClients =
    testTask "every named client sends the User-Agent; only the Cachet client leaves a redirect unfollowed" {
        let! (target: TargetServer) = TargetServer.StartAsync()
        use _ = target
        target.Set("/moved", TargetBehaviour.Redirect "/here")
        use provider = MonitorHttpClients.Standalone()
        let factory = provider.GetRequiredService<IHttpClientFactory>()

        for name in
            [
                MonitorHttpClients.Cachet
                MonitorHttpClients.Webhooks
                MonitorHttpClients.Secrets
                MonitorHttpClients.Health
            ] do
            let! (response: HttpResponseMessage) =
                factory.CreateClient(name).GetAsync(target.Url "/moved")

            let status = int response.StatusCode
            response.Dispose()
            let expected = if name = MonitorHttpClients.Cachet then 302 else 200
            Expect.equal status expected $"{name}: status"

            for hit in target.HitLog "/moved" do
                Expect.stringStarts hit.Headers["User-Agent"] "cachet-monitor/" $"{name}: User-Agent"

            // The factory's default would rotate the handler (and open a new pool) for a client made 2 minutes later.
            let options =
                provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get name

            Expect.equal options.HandlerLifetime Timeout.InfiniteTimeSpan $"{name}: one handler for the process's life"
    }

[<Tests>]
let tests = testList "host HTTP clients" [ reloadKeepsPool; namedClients ]
