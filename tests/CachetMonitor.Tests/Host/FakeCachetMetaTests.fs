module CachetMonitor.Tests.Host.FakeCachetMetaTests

open System
open Expecto
open CachetMonitor.FakeServers
open CachetMonitor.Tests.Host.FakeCachetTests.Wire

/// The raw JSON of `data.meta` in a reply.
let private metaOf reply =
    (parse reply |> at "data.meta").GetRawText()

/// The fake's meta rows of an incident as (key, stored JSON text).
let private rowsOf fake id =
    (incidentOf fake id).Meta |> Seq.map (fun m -> m.Key, m.Value) |> List.ofSeq

[<Tests>]
let tests =
    testList
        "FakeCachet incident meta"
        [
            fakeTest
                "POST /incidents stores meta rows and returns them as key → value, as 2.4's presenter does"
                (fun fake ->
                    task {
                        let! reply =
                            write
                                fake
                                "POST"
                                "/incidents"
                                """{"name":"x","status":1,"meta":{"cachet_monitor":" tag-1 ","n":5,"gone":""}}"""

                        expectStatus reply 200

                        Expect.equal
                            (metaOf reply)
                            """{"cachet_monitor":"tag-1","n":5}"""
                            "trimmed, the empty value dropped"

                        let row = (incidentOf fake 1).Meta[0]
                        Expect.equal (row.Key, row.Value) ("cachet_monitor", "\"tag-1\"") "stored JSON-encoded"
                        Expect.equal (row.MetaType, row.MetaId) ("incidents", 1) "polymorphic link"
                        let! one = get fake "/incidents/1"
                        Expect.equal (metaOf one) """{"cachet_monitor":"tag-1","n":5}""" "on GET by id"
                        let! list = get fake "/incidents"
                        Expect.equal ((parse list |> at "data.0.meta").GetRawText()) (metaOf one) "on the list"
                        let! plain = write fake "POST" "/incidents" """{"name":"y","status":1}"""
                        Expect.equal (metaOf plain) "[]" "none: an empty PHP array"
                    })
            fakeTest
                "meta[key]=value in the query or a form is the same object; a JSON body's meta replaces the query's"
                (fun fake ->
                    task {
                        let! fromQuery =
                            sendWith
                                fake
                                "POST"
                                "/incidents?meta[cachet_monitor]=q&meta[deep][a]=1"
                                (Some token)
                                None
                                (Some(form [ "name", "x"; "status", "1" ]))

                        expectStatus fromQuery 200
                        Expect.equal (metaOf fromQuery) """{"cachet_monitor":"q","deep":{"a":"1"}}""" "query"

                        let! fromForm =
                            sendWith
                                fake
                                "POST"
                                "/incidents"
                                (Some token)
                                None
                                (Some(form [ "name", "x"; "status", "1"; "meta[cachet_monitor]", "f" ]))

                        Expect.equal (metaOf fromForm) """{"cachet_monitor":"f"}""" "form"

                        let! both =
                            write
                                fake
                                "POST"
                                "/incidents?meta[from_query]=q"
                                """{"name":"x","status":1,"meta":{"from_body":"b"}}"""

                        Expect.equal (metaOf both) """{"from_body":"b"}""" "the body's meta wins whole"

                        let! list =
                            write fake "POST" "/incidents" """{"name":"x","status":1,"meta":["a","","b"]}"""

                        Expect.equal (metaOf list) """{"0":"a","2":"b"}""" "a list's indexes are keys"
                    })
            fakeTest
                "PUT /incidents/{id} updates keys in place, adds new ones, and an empty value deletes its row"
                (fun fake ->
                    task {
                        let i = fake.AddIncident("x", 1, meta = readOnlyDict [ "a", "1"; "b", "2" ])
                        let before = (incidentOf fake i.Id).Meta

                        let! reply =
                            write fake "PUT" $"/incidents/{i.Id}" """{"meta":{"a":"changed","b":"0","c":"new"}}"""

                        expectStatus reply 200
                        Expect.equal (metaOf reply) """{"a":"changed","c":"new"}""" "meta"
                        Expect.equal (rowsOf fake i.Id) [ "a", "\"changed\""; "c", "\"new\"" ] "rows"
                        Expect.equal (incidentOf fake i.Id).Meta[0].Id before[0].Id "a keeps its row"
                        let! untouched = write fake "PUT" $"/incidents/{i.Id}" """{"status":2}"""
                        Expect.equal (metaOf untouched) """{"a":"changed","c":"new"}""" "a PUT without meta keeps it"
                    })
            fakeTest
                "meta that is not an object or a list is a 400 with Laravel's message; null and empty are none"
                (fun fake ->
                    task {
                        for sent in [ "\"tag\""; "5"; "true" ] do
                            let! reply =
                                write fake "POST" "/incidents" $$"""{"name":"x","status":1,"meta":{{sent}}}"""

                            expectStatus reply 400
                            Expect.equal (details reply) [ "The meta must be an array." ] sent

                        let! fromQuery =
                            sendWith fake "POST" "/incidents?name=x&status=1&meta=tag" (Some token) None None

                        expectStatus fromQuery 400
                        Expect.isEmpty fake.Incidents "nothing created"
                        let i = fake.AddIncident("x", 1)
                        let! put = write fake "PUT" $"/incidents/{i.Id}" """{"meta":"tag"}"""
                        expectStatus put 400

                        for sent in [ "null"; "[]"; "{}"; "\"\"" ] do
                            let! reply =
                                write fake "POST" "/incidents" $$"""{"name":"x","status":1,"meta":{{sent}}}"""

                            expectStatus reply 200
                            Expect.equal (metaOf reply) "[]" sent
                    })
            testTask "2.3 has no incident meta: nothing is validated, stored or returned" {
                do!
                    withFakeAt FakeCachetVersion.V23 TimeProvider.System (fun fake ->
                        task {
                            let! reply =
                                write fake "POST" "/incidents" """{"name":"x","status":1,"meta":"not an array"}"""

                            expectStatus reply 200
                            Expect.isFalse (has "data" "meta" (parse reply)) "no meta"
                            Expect.isEmpty (incidentOf fake 1).Meta "no rows"
                        })
            }
        ]
