/// Set-up shared by the client tests: a real CachetClient against a fresh fake Cachet on 127.0.0.1.
module CachetMonitor.Tests.Support.CachetClientSupport

open System
open System.Threading.Tasks
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Host.Cachet.Api
open CachetMonitor.Tests.Host.FakeCachetTests.Wire

/// A client of the fake with the registered token.
let clientOf (fake: FakeCachet) = CachetClient(http, fake.BaseUrl, token)

/// A test against a fresh fake of the given version, with a client.
let clientTestAt version name (body: FakeCachet -> CachetClient -> Task<unit>) =
    testTask name { do! withFakeAt version TimeProvider.System (fun fake -> body fake (clientOf fake)) }

/// A test against a fresh 2.4 fake, with a client.
let clientTest name body =
    clientTestAt FakeCachetVersion.V24 name body

/// Runs a call that must fail with a CachetApiException of the given kind; checks the token stays out of it.
let failure (kind: CachetApiErrorKind) (call: unit -> Task) =
    task {
        let! outcome =
            task {
                try
                    do! call ()
                    return None
                with :? CachetApiException as e ->
                    return Some e
            }

        match outcome with
        | None -> return failtest $"expected a {kind} failure, the call succeeded"
        | Some e ->
            Expect.equal e.Kind kind $"kind ({e.Message})"
            Expect.isFalse (e.ToString().Contains token) "the token is not in the exception"
            return e
    }
