/// The expectations of the non-HTTP checks and of JSON bodies (issue #13 items 1–4): pure, an observation in and a
/// verdict out.
module CachetMonitor.Tests.Domain.CheckExpectationTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open CachetMonitor.Domain

let private ok result =
    match result with
    | Ok value -> value
    | Error message -> failwith message

let private regex pattern = ok (RegexPattern.create pattern)
let private path text = ok (JsonPath.parse text)

let private expect kind severity = { Kind = kind; Severity = severity }

let private evaluate expectations response =
    Expectation.evaluate Performance Partial "tcp://host:1" expectations (Responded response)

let private jsonBody body = Response.http 200 0.1 body

let private messageOf verdict =
    match verdict with
    | Failed failure -> failure.Message
    | Passed _ -> failtest "expected a failure"

let private seen = DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)

let private withCertificate days =
    { Response.connected 0.05 with
        Certificate =
            Some
                {
                    Subject = "CN=shop.example"
                    NotAfter = seen.AddDays days
                    SeenAt = seen
                }
    }

let private dnsAnswer code (records: (string * string) list) =
    { Response.connected 0.01 with
        Dns =
            Some
                {
                    Name = "shop.example"
                    ResponseCode = code
                    Records = records |> List.map (fun (t, d) -> { Type = t; Data = d })
                }
    }

let private health =
    """{"status":"UP","components":{"db":{"status":"UP","details":{"pool":12}},"disk":{"status":"DOWN"}},"checks":[{"id":7,"ok":true},{"id":8,"ok":null}]}"""

let private jsonTests =
    testList
        "JSON"
        [
            test "a path with members and [n] indexes finds the value's text" {
                let find text = JsonPath.tryFind (path text) health

                Expect.equal (find "components.db.status") (Ok "UP") "a string's own text"
                Expect.equal (find "components.db.details.pool") (Ok "12") "a number as written"
                Expect.equal (find "checks[1].id") (Ok "8") "an index"
                Expect.equal (find "checks[0].ok") (Ok "true") "a literal"
                Expect.equal (find "checks[1].ok") (Ok "null") "null"
                Expect.equal (find "components.disk") (Ok """{"status":"DOWN"}""") "an object as its JSON"
            }

            test "a top-level array is indexed from the root" {
                Expect.equal (JsonPath.tryFind (path "[1][0]") "[[1],[2,3]]") (Ok "2") "nested indexes"
            }

            test "value passes on equal text and fails naming the path, the value found and the one expected" {
                let db = expect (JsonValue(path "components.db.status", Equals "UP")) Partial
                let disk = expect (JsonValue(path "components.disk.status", Equals "UP")) Partial
                Expect.equal (evaluate [ db ] (jsonBody health)) (Passed 0.1) "db is UP"

                Expect.equal
                    (evaluate [ disk ] (jsonBody health) |> messageOf)
                    "JSON components.disk.status is \"DOWN\", expected \"UP\""
                    "disk is DOWN"
            }

            test "regex matches the value's text" {
                let pool =
                    expect (JsonValue(path "components.db.details.pool", Matches(regex "^1\\d$"))) Partial

                Expect.equal (evaluate [ pool ] (jsonBody health)) (Passed 0.1) "12 matches"

                Expect.stringContains
                    (evaluate [ pool ] (jsonBody (health.Replace("12", "3"))) |> messageOf)
                    "did not match"
                    "3 does not"
            }

            test "a missing path fails saying which part exists" {
                let missing = expect (JsonValue(path "components.cache.status", Equals "UP")) Major

                match evaluate [ missing ] (jsonBody health) with
                | Failed failure ->
                    Expect.equal failure.Severity Major "the expectation's severity"

                    Expect.equal
                        failure.Message
                        "The JSON body has no components.cache.status (only components)"
                        "names the path"
                | Passed _ -> failtest "a missing path fails"

                Expect.equal
                    (evaluate [ expect (JsonValue(path "checks[5].id", Equals "1")) Partial ] (jsonBody health)
                     |> messageOf)
                    "The JSON body has no checks[5].id (only checks)"
                    "an index past the end"

                Expect.equal
                    (evaluate [ expect (JsonValue(path "nothing", Equals "1")) Partial ] (jsonBody health)
                     |> messageOf)
                    "The JSON body has no nothing"
                    "nothing of it exists"
            }

            test "a body that is not JSON fails saying so" {
                let any = expect (JsonValue(path "status", Equals "UP")) Partial

                Expect.stringStarts
                    (evaluate [ any ] (jsonBody "<html>ok</html>") |> messageOf)
                    "The body is not JSON ("
                    "HTML"

                Expect.stringStarts (evaluate [ any ] (jsonBody "") |> messageOf) "The body is not JSON (" "empty"
            }

            test "paths that are not paths are refused with the reason" {
                for text in [ ""; "a..b"; ".a"; "a."; "a[x]"; "a[1"; "a]"; "a[1]b" ] do
                    Expect.isError (JsonPath.parse text) $"%s{text}"
            }
        ]

let private certificateTests =
    testList
        "CERTIFICATE_EXPIRATION"
        [
            test "a certificate expiring in 3 days fails a 14-day threshold and passes a 1-day one" {
                let fourteen = expect (CertificateExpiration 14.0) Performance

                match evaluate [ fourteen ] (withCertificate 3.0) with
                | Failed failure ->
                    Expect.equal failure.Severity Performance "default PERFORMANCE"

                    Expect.equal
                        failure.Message
                        "Certificate CN=shop.example expires on 2026-12-03 12:00 UTC, in 3 day(s) (threshold 14)"
                        "names the date and the subject"
                | Passed _ -> failtest "3 days is within 14"

                Expect.equal
                    (evaluate [ expect (CertificateExpiration 1.0) Performance ] (withCertificate 3.0))
                    (Passed 0.05)
                    "3 days is beyond 1"
            }

            test "the boundary: exactly the threshold fails (within), a second more passes" {
                let seven = [ expect (CertificateExpiration 7.0) Performance ]
                Expect.isTrue ((evaluate seven (withCertificate 7.0)).IsFailed) "exactly 7 days"

                Expect.isTrue ((evaluate seven (withCertificate (7.0 + 1.0 / 86_400.0))).IsPassed) "7 days and a second"
            }

            test "an expired certificate says it expired" {
                Expect.equal
                    (evaluate [ expect (CertificateExpiration 14.0) Major ] (withCertificate -2.0)
                     |> messageOf)
                    "Certificate CN=shop.example expired on 2026-11-28 12:00 UTC"
                    "expired"
            }

            test "no certificate fails rather than passing" {
                Expect.equal
                    (evaluate [ expect (CertificateExpiration 14.0) Performance ] (Response.connected 0.1)
                     |> messageOf)
                    "No TLS certificate was presented"
                    "nothing to judge"
            }

            testProperty "passes exactly when the days left exceed the threshold"
            <| fun (NormalFloat left) (PositiveInt threshold) ->
                let left = Math.Clamp(left, -1000.0, 1000.0)

                let verdict =
                    evaluate [ expect (CertificateExpiration(float threshold)) Performance ] (withCertificate left)

                let daysLeft = Certificate.daysLeft (withCertificate left).Certificate.Value
                verdict.IsPassed = (daysLeft > float threshold)
        ]

let private dnsTests =
    testList
        "DNS_ANSWER"
        [
            test "value matches one of the answers; names in any case and without the root dot" {
                let answers = dnsAnswer "NOERROR" [ "A", "192.0.2.1"; "A", "192.0.2.2" ]
                Expect.isTrue ((evaluate [ expect (DnsAnswer(Equals "192.0.2.2")) Partial ] answers).IsPassed) "A"

                let cname = dnsAnswer "NOERROR" [ "CNAME", "edge.cdn.example" ]

                Expect.isTrue
                    ((evaluate [ expect (DnsAnswer(Equals "Edge.CDN.example.")) Partial ] cname).IsPassed)
                    "CNAME"

                let mx = dnsAnswer "NOERROR" [ "MX", "10 mail.example" ]
                Expect.isTrue ((evaluate [ expect (DnsAnswer(Equals "10 mail.example")) Partial ] mx).IsPassed) "MX"
            }

            test "TXT is compared exactly; regex matches any answer" {
                let txt = dnsAnswer "NOERROR" [ "TXT", "v=spf1 -all" ]
                Expect.isTrue ((evaluate [ expect (DnsAnswer(Equals "V=SPF1 -ALL")) Partial ] txt).IsFailed) "case"

                Expect.isTrue ((evaluate [ expect (DnsAnswer(Matches(regex "^v=spf1"))) Partial ] txt).IsPassed) "regex"
            }

            test "no matching answer fails listing what came" {
                Expect.equal
                    (evaluate
                        [ expect (DnsAnswer(Equals "192.0.2.9")) Partial ]
                        (dnsAnswer "NOERROR" [ "A", "192.0.2.1" ])
                     |> messageOf)
                    "DNS answer for shop.example did not match: 192.0.2.1"
                    "the answers"

                Expect.equal
                    (evaluate [ expect (DnsAnswer(Equals "192.0.2.9")) Partial ] (dnsAnswer "NOERROR" [])
                     |> messageOf)
                    "DNS answer for shop.example did not match: no records"
                    "none"
            }

            test "NXDOMAIN and SERVFAIL fail with that word, at the expectation's severity" {
                for code in [ "NXDOMAIN"; "SERVFAIL" ] do
                    match evaluate [ expect (DnsAnswer(Equals "192.0.2.1")) Major ] (dnsAnswer code []) with
                    | Failed failure ->
                        Expect.equal failure.Message $"DNS lookup of shop.example failed: %s{code}" code
                        Expect.equal failure.Severity Major "the expectation's severity"
                    | Passed _ -> failtest code
            }

            test "without DNS_ANSWER a failed lookup still fails, as a connection failure" {
                match evaluate [ expect (Latency 1.0) Performance ] (dnsAnswer "NXDOMAIN" []) with
                | Failed failure ->
                    Expect.equal failure.Severity Partial "on_unreachable"
                    Expect.stringContains failure.Message "NXDOMAIN" "the word"
                | Passed _ -> failtest "NXDOMAIN passed"

                Expect.isTrue ((evaluate [] (dnsAnswer "NOERROR" [])).IsPassed) "an answer passes"
            }
        ]

let private tcpTests =
    testList
        "tcp"
        [
            test "a connection with no expectations passes with its connect time" {
                Expect.equal (evaluate [] (Response.connected 0.02)) (Passed 0.02) "connected"
            }

            test "expect fails when the first bytes do not match, showing them on one line" {
                let banner = [ expect (Banner(regex "^220 ")) Partial ]

                let redis =
                    { Response.connected 0.01 with
                        Body = "-ERR unknown\r\n"
                    }

                Expect.equal
                    (evaluate
                        banner
                        { redis with
                            Body = "220 smtp ready\r\n"
                        })
                    (Passed 0.01)
                    "SMTP"

                Expect.equal
                    (evaluate banner redis |> messageOf)
                    "The server's first bytes did not match expect (got \"-ERR unknown\")"
                    "the bytes"
            }

            test "HTTP_STATUS on a response without a status fails instead of passing" {
                Expect.equal
                    (evaluate
                        [ expect (HttpStatus [ ok (StatusRange.create 200 300) ]) Partial ]
                        (Response.connected 0.1)
                     |> messageOf)
                    "No HTTP status (the check is not an HTTP request)"
                    "no status"
            }

            test "an unreachable tcp:// URL names the URL without a method" {
                let endpoint =
                    { CachetMonitor.Tests.Support.ComponentDriver.endpoint "db" 1 0 1 [] with
                        Url = "tcp://db.internal:5432"
                        Target = TcpTarget("db.internal", 5432, false)
                        Method = ""
                    }

                match Monitor.evaluate endpoint (Unreachable "refused") with
                | Failed failure ->
                    Expect.equal failure.Message "The URL is unreachable: tcp://db.internal:5432" "message"
                | Passed _ -> failtest "unreachable passed"
            }
        ]

let private genPath =
    gen {
        let name = Gen.elements [ "a"; "status"; "db"; "x-y"; "ü"; "0"; "with space" ]

        let step =
            Gen.oneof [ name |> Gen.map JsonStep.Member; Gen.choose (0, 3) |> Gen.map JsonStep.Index ]

        let! first = name
        let! rest = Gen.listOfLength 3 step |> Gen.map (List.truncate 3)

        let text =
            first
            + (rest
               |> List.map (fun s ->
                   match s with
                   | JsonStep.Member n -> "." + n
                   | JsonStep.Index i -> $"[%d{i}]")
               |> String.concat "")

        return text, JsonStep.Member first :: rest
    }

let private propertyTests =
    testList
        "JSON path properties"
        [
            testProperty "a written path parses to its steps and renders as written"
            <| Prop.forAll (Arb.fromGen genPath) (fun (text, steps) ->
                match JsonPath.parse text with
                | Ok parsed -> parsed.Steps = steps && JsonPath.render parsed = text
                | Error _ -> false)

            testProperty "parsing any text never throws"
            <| fun (text: string) -> (JsonPath.parse (string text)) |> ignore

            testProperty "finding a path in any body never throws"
            <| Prop.forAll (Arb.fromGen genPath) (fun (text, _) ->
                Prop.forAll
                    (Arb.fromGen (Gen.elements [ health; "[]"; "{"; "nul"; "\"a\""; "{\"a\":[1,{\"x-y\":2}]}" ]))
                    (fun body ->
                        match JsonPath.tryFind (path text) body with
                        | Ok _
                        | Error(NotJson _)
                        | Error(MissingPath _) -> true))

            testProperty "a value put at a path is found there"
            <| fun (NonNull(value: string | null)) (PositiveInt depth) ->
                let value = string value
                let depth = 1 + depth % 5
                let names = List.init depth (fun i -> $"k%d{i}")

                let body =
                    names
                    |> List.rev
                    |> List.fold
                        (fun inner name -> $"{{%s{Text.Json.JsonSerializer.Serialize name}:%s{inner}}}")
                        (Text.Json.JsonSerializer.Serialize value)

                JsonPath.tryFind (path (String.concat "." names)) body = Ok value
        ]

[<Tests>]
let tests =
    testList "check expectations" [ jsonTests; certificateTests; dnsTests; tcpTests; propertyTests ]
