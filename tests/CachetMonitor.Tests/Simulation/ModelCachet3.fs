namespace CachetMonitor.Tests.Simulation

open System
open System.Collections.Generic
open System.Net
open System.Net.Http
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks

/// Which Cachet a simulated run talks to. On Cachet 3, Cachet answers 429 beyond `limit` requests a minute
/// (CACHET_API_RATE_LIMIT; 300 by default) and the monitor's budget is `budget` a minute (cachet.rate_limit_per_minute).
type CachetVersion =
    | Cachet2
    | Cachet3 of limit: int * budget: int

/// The world's Cachet 3 behind the real `Cachet3Client`: an in-process `HttpMessageHandler` that speaks Cachet 3's
/// JSON:API (reference/cachet-3-api.md) over the model's state. Bearer token (a write with any other is 401, a read is
/// a guest's); component statuses 1–6 (0 is refused with 422); incidents attach their component as an impact and
/// leave its own status alone, are private unless `visible` is sent, and carry `meta.cachet_monitor`; an incident
/// update's status becomes the incident's (4 resolves it); simple pagination (`per_page` clamped to 1..100, `links.next`
/// only when there is more, no totals); metric points. Cachet's limiter counts requests per user (an unknown token:
/// per address) in fixed windows of a minute opened by the first request, and answers 429 with Retry-After beyond
/// `limit`. Answers complete on the simulation loop (the model's `CallAs`): a time-out is a cancellation after 30 s of
/// virtual time, as HttpClient's own, and a lost answer a broken connection. `Intent` is the visibility the monitor's
/// core decided for the create being sent; an incident Cachet stores otherwise is a violation.
type Cachet3Wire(loop: SimLoop, model: ModelCachet, limit: int) =
    inherit HttpMessageHandler()

    let windows = Dictionary<string, struct (int64 * int)>()
    let mutable throttled = 0

    let json (status: HttpStatusCode) (body: obj) =
        let response = new HttpResponseMessage(status)
        let content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes body)

        content.Headers.TryAddWithoutValidation("Content-Type", "application/vnd.api+json")
        |> ignore

        response.Content <- content
        response

    let message status (text: string) = json status {| message = text |}

    let invalid field (text: string) =
        json
            HttpStatusCode.UnprocessableEntity
            {|
                message = text
                errors = dict [ field, [| text |] ]
            |}

    let labelled value =
        {|
            human = string value
            value = value
        |}

    let componentOf id status =
        {|
            id = string id
            ``type`` = "components"
            attributes =
                {|
                    id = id
                    name = $"component {id}"
                    description = ""
                    link = ""
                    enabled = true
                    status = labelled status
                |}
        |}

    let incidentOf (i: ModelIncident) =
        {|
            id = string i.Id
            ``type`` = "incidents"
            attributes =
                {|
                    id = i.Id
                    name = i.Name
                    message = i.Message
                    visible = (if i.Visible then 1 else 0)
                    status = labelled i.Status
                    meta =
                        match i.Tag with
                        | Some tag -> dict [ "cachet_monitor", tag ]
                        | None -> dict []
                |}
            relationships =
                {|
                    components =
                        {|
                            data =
                                [|
                                    {|
                                        ``type`` = "components"
                                        id = string i.ComponentId
                                    |}
                                |]
                        |}
                |}
        |}

    /// `GET /incidents?filter[status]=0,1,2,3&include=components,meta&sort=-id&per_page=N&page=P`: one page; each
    /// linked component included once, with the impact of the first incident on the page that links it.
    let listing (query: IDictionary<string, string>) =
        let number key fallback =
            match query.TryGetValue key with
            | true, text ->
                match Int32.TryParse text with
                | true, n -> n
                | _ -> fallback
            | _ -> fallback

        let perPage = number "per_page" 15 |> max 1 |> min 100
        let page = number "page" 1 |> max 1
        let all = model.Unresolved()

        let shown =
            all
            |> List.skip (min all.Length ((page - 1) * perPage))
            |> List.truncate perPage

        let included =
            shown
            |> List.distinctBy (fun i -> i.ComponentId)
            |> List.map (fun i ->
                {|
                    id = string i.ComponentId
                    ``type`` = "components"
                    attributes =
                        {|
                            id = i.ComponentId
                            name = $"component {i.ComponentId}"
                            status = labelled model.Statuses[i.ComponentId]
                            pivot = {| component_status = i.Impact |}
                        |}
                |})

        let more = all.Length > page * perPage

        json
            HttpStatusCode.OK
            {|
                data = shown |> List.map incidentOf |> Array.ofList
                included = Array.ofList included
                links =
                    if more then
                        dict [ "first", "page=1"; "next", $"page={page + 1}" ]
                    else
                        dict [ "first", "page=1" ]
                meta =
                    {|
                        current_page = page
                        per_page = perPage
                    |}
            |}

    /// What the limiter says of a request arriving now: None (counted), or the 429 it gets.
    let admit (authorized: bool) =
        let key = if authorized then "user" else "address"
        let minute = Ticks.ofMinutes 1.0

        match windows.TryGetValue key with
        | true, struct (opened, count) when loop.Now < opened + minute ->
            if count >= limit then
                throttled <- throttled + 1
                let left = Ticks.toSeconds (opened + minute - loop.Now)
                Some(OverLimit(TimeSpan.FromSeconds(max 1.0 (ceil left))))
            else
                windows[key] <- struct (opened, count + 1)
                None
        | _ ->
            windows[key] <- struct (loop.Now, 1)
            None

    let answering (fault: Fault option) (result: Result<HttpResponseMessage, exn> option) =
        match fault, result with
        | None, Some(Ok response) when response.IsSuccessStatusCode -> Acknowledged, Ok response
        | None, Some(Ok response) -> Refused $"HTTP {int response.StatusCode}", Ok response
        | None, Some(Error e) -> Refused e.Message, Error e
        | None, None -> failwith "an answer without its effect"
        | Some BadRequest, _ -> Refused "HTTP 422", Ok(invalid "name" "The name field is invalid (model).")
        | Some fault, _ ->
            let outcome: Result<HttpResponseMessage, exn> =
                match fault with
                | ServerError -> Ok(message HttpStatusCode.InternalServerError "Server Error")
                | RateLimited wait
                | OverLimit wait ->
                    let response = message HttpStatusCode.TooManyRequests "Too Many Attempts."

                    response.Headers.TryAddWithoutValidation("Retry-After", string (int wait.TotalSeconds))
                    |> ignore

                    Ok response
                | Unauthorized -> Ok(message HttpStatusCode.Unauthorized "Unauthenticated.")
                | ClientTimeout _ ->
                    Error(
                        TaskCanceledException(
                            "The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing (model).",
                            TimeoutException()
                        )
                    )
                | LostAnswer ->
                    Error(
                        HttpRequestException(
                            HttpRequestError.ResponseEnded,
                            "The response ended prematurely (model).",
                            null,
                            Nullable()
                        )
                    )
                | BadRequest -> Ok(invalid "name" "The name field is invalid (model).")

            FailedWith(fault, result.IsSome), outcome

    let field (body: JsonObject) (name: string) : JsonNode option =
        match body[name] with
        | null -> None
        | node -> Some node

    let intOf (node: JsonNode option) =
        node
        |> Option.bind (fun n ->
            match n.GetValueKind() with
            | JsonValueKind.Number -> Some(n.GetValue<int>())
            | _ -> None)

    let notFound what =
        Ok(message HttpStatusCode.NotFound $"{what} not found (model)")

    /// The visibility the monitor's core decided for the create about to be sent (set by the runner's client).
    member val Intent: bool option = None with get, set

    /// Requests the limiter answered 429.
    member _.Throttled = throttled

    override this.SendAsync(request: HttpRequestMessage, _: CancellationToken) : Task<HttpResponseMessage> =
        let token =
            match request.Headers.Authorization with
            | null -> ""
            | auth when auth.Scheme = "Bearer" -> auth.Parameter |> Option.ofObj |> Option.defaultValue ""
            | _ -> ""

        let uri = nonNull request.RequestUri
        let segments = uri.AbsolutePath.Trim('/').Split('/') |> List.ofArray

        let query =
            uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun pair ->
                match pair.Split('=', 2) with
                | [| key; value |] -> Uri.UnescapeDataString key, Uri.UnescapeDataString value
                | other -> Uri.UnescapeDataString other[0], "")
            |> dict

        let body =
            match request.Content with
            | null -> JsonObject()
            | content ->
                match JsonNode.Parse(content.ReadAsStream()) with
                | :? JsonObject as o -> o
                | _ -> JsonObject()

        let preempted = admit (token = model.Token)

        let call op effect =
            model.CallAs(token, op, effect, answering, preempted)

        let incarnation = loop.Incarnation
        let intent = this.Intent
        this.Intent <- None

        match request.Method.Method, segments with
        | "GET", [ "api"; "components"; id ] ->
            let id = int id

            call (GetComponent id) (fun () ->
                match model.Statuses.TryGetValue id with
                | true, status -> Ok(json HttpStatusCode.OK {| data = componentOf id status |})
                | _ -> notFound $"component {id}")
        | "GET", [ "api"; "metrics"; id ] ->
            let id = int id

            call (GetMetric id) (fun () ->
                if model.HasMetric id then
                    Ok(
                        json
                            HttpStatusCode.OK
                            {|
                                data =
                                    {|
                                        id = string id
                                        ``type`` = "metrics"
                                        attributes =
                                            {|
                                                id = id
                                                name = $"metric {id}"
                                                suffix = "ms"
                                                threshold = 0
                                            |}
                                    |}
                            |}
                    )
                else
                    notFound $"metric {id}")
        | "GET", [ "api"; "incidents" ] -> call GetAllIncidents (fun () -> Ok(listing query))
        | "PUT", [ "api"; "components"; id ] ->
            let id = int id
            let status = intOf (field body "status") |> Option.defaultValue -1

            call (PutStatus(id, status)) (fun () ->
                if status < 1 || status > 6 then
                    Ok(invalid "status" "The selected status is invalid.")
                elif model.Statuses.ContainsKey id then
                    model.Statuses[id] <- status
                    Ok(json HttpStatusCode.OK {| data = componentOf id status |})
                else
                    notFound $"component {id}")
        | "POST", [ "api"; "incidents" ] ->
            let name =
                field body "name"
                |> Option.map (fun n -> n.ToString())
                |> Option.defaultValue ""

            let text =
                field body "message"
                |> Option.map (fun n -> n.ToString())
                |> Option.defaultValue ""

            // Cachet 3's default when `visible` is not sent: logged-in users only.
            let visible =
                field body "visible"
                |> Option.exists (fun n -> n.GetValueKind() = JsonValueKind.True)

            let tag =
                match field body "meta" with
                | Some(:? JsonObject as meta) ->
                    match meta["cachet_monitor"] with
                    | null -> None
                    | value -> Some(value.ToString())
                | _ -> None

            let impacts =
                match field body "components" with
                | Some(:? JsonArray as list) ->
                    [
                        for item in list do
                            match item with
                            | :? JsonObject as o ->
                                yield
                                    intOf (field o "id") |> Option.defaultValue 0,
                                    intOf (field o "status") |> Option.defaultValue 0
                            | _ -> ()
                    ]
                | _ -> []

            let componentId, impact =
                match impacts with
                | [ one ] -> one
                | _ -> 0, 0

            call (PostIncident(componentId, name, tag)) (fun () ->
                if String.IsNullOrWhiteSpace name || name.Length > 255 then
                    Ok(invalid "name" "The name field is required.")
                elif impacts.Length <> 1 || not (model.Statuses.ContainsKey componentId) then
                    Ok(invalid "components.0.id" "The selected components.0.id is invalid.")
                elif impact < 1 || impact > 6 then
                    Ok(invalid "components.0.status" "The selected components.0.status is invalid.")
                else
                    let id = model.Open(componentId, impact, name, text, visible, tag, incarnation)

                    match intent with
                    | Some wanted when wanted <> visible ->
                        let was = if wanted then "public" else "private"
                        let is = if visible then "public" else "private"

                        model.Violation
                            $"incident #{id} on component {componentId} was decided {was} but Cachet 3 made it {is} (the create did not say so)"
                    | _ -> ()

                    let created = (model.FindIncident id).Value
                    Ok(json HttpStatusCode.Created {| data = incidentOf created |}))
        | "POST", [ "api"; "incidents"; id; "updates" ] ->
            let id = int id
            let status = intOf (field body "status") |> Option.defaultValue -1

            let text =
                field body "message"
                |> Option.map (fun n -> n.ToString())
                |> Option.defaultValue ""

            let componentId =
                model.FindIncident id
                |> Option.map (fun i -> i.ComponentId)
                |> Option.defaultValue 0

            let op =
                if status = 4 then
                    PostResolve id
                else
                    PostUpdate(componentId, id)

            call op (fun () ->
                match model.FindIncident id with
                | None -> notFound $"incident {id}"
                | Some _ when status < 0 || status > 4 -> Ok(invalid "status" "The selected status is invalid.")
                | Some incident ->
                    model.Update(incident, status, text)

                    Ok(
                        json
                            HttpStatusCode.Created
                            {|
                                data =
                                    {|
                                        id = string id
                                        ``type`` = "updates"
                                        attributes =
                                            {|
                                                updateable_id = id
                                                status = labelled status
                                            |}
                                    |}
                            |}
                    ))
        | "POST", [ "api"; "metrics"; id; "points" ] ->
            let id = int id

            let value =
                field body "value"
                |> Option.map (fun n -> n.GetValue<float>())
                |> Option.defaultValue nan

            let timestamp =
                field body "timestamp"
                |> Option.map (fun n -> n.GetValue<int64>())
                |> Option.defaultValue 0L

            call (PostPoint(id, value, timestamp)) (fun () ->
                if not (model.HasMetric id) then
                    notFound $"metric {id}"
                elif Double.IsNaN value then
                    Ok(invalid "value" "The value field is required.")
                else
                    model.AddPoint(id, value, timestamp)

                    Ok(
                        json
                            HttpStatusCode.Created
                            {|
                                data =
                                    {|
                                        id = "1"
                                        ``type`` = "metricPoints"
                                    |}
                            |}
                    ))
        | verb, _ ->
            model.Violation $"the monitor made a call the model does not know: {verb} {uri.PathAndQuery}"
            Task.FromResult(message HttpStatusCode.NotFound "unknown route (model)")
