using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The 3.x incident and incident-update endpoints: impacts instead of status writes, <c>visible</c> default private.</summary>
public sealed partial class FakeCachet
{
    private static readonly HashSet<int> IncidentStatuses3 = [0, 1, 2, 3, 4];

    /// <summary>Public incidents to everyone; private ones too to a token holding <c>incidents.manage</c>.</summary>
    private static bool CanSee(ApiCall call, FakeIncident incident) =>
        incident.Visible || (call.Authenticated && call.Can("incidents.manage"));

    private JsonObject RenderIncident3(FakeIncident i, DateTimeOffset now, bool withMeta, bool withComponents = false)
    {
        var attributes = new JsonObject
        {
            ["id"] = i.Id,
            ["guid"] = $"00000000-0000-4000-8000-{i.Id.ToString("D12", CultureInfo.InvariantCulture)}",
            ["name"] = i.Name,
            ["message"] = i.Message,
            ["visible"] = i.Visible ? 1 : 0,
            ["stickied"] = i.Stickied,
            ["notifications"] = i.Notify,
        };
        if (withMeta)
            attributes["meta"] = RenderMeta(i.Meta);
        attributes["status"] = Cachet3Json.Status(Cachet3Json.IncidentStatusLabel(i.Status), i.Status);
        attributes["occurred"] = Cachet3Json.Time(i.OccurredAt, now);
        attributes["published"] = Cachet3Json.Time(i.CreatedAt, now);
        attributes["created"] = Cachet3Json.Time(i.CreatedAt, now);
        attributes["updated"] = Cachet3Json.Time(i.UpdatedAt, now);
        var relationships = withComponents
            ? new JsonObject
            {
                ["components"] = new JsonObject
                {
                    ["data"] = new JsonArray([.. i.Impacts.Select(x => (JsonNode)Cachet3Json.Identifier("components", x.ComponentId))]),
                },
            }
            : null;
        return Cachet3Json.Resource("incidents", i.Id, attributes, relationships);
    }

    /// <summary>The incident's attached components with their impact (<c>pivot.component_status</c>), for <c>included</c>.</summary>
    private IEnumerable<JsonObject> ImpactedComponents(FakeIncident i, DateTimeOffset now) =>
        i.Impacts.Select(x => components.Find(x.ComponentId) is { } c ? RenderComponent3(c, now, x.Status) : null).OfType<JsonObject>();

    private ApiReply GetIncident3(ApiCall call, string id)
    {
        if (incidents.Find(id) is not { } incident || !CanSee(call, incident))
            return Cachet3Json.ModelNotFound("Incident", id);
        var includes = Includes(call);
        var withComponents = includes.Contains("components");
        return Cachet3Json.Document(
            RenderIncident3(incident, call.Now, includes.Contains("meta"), withComponents),
            withComponents ? [.. ImpactedComponents(incident, call.Now)] : null);
    }

    /// <summary>
    /// <c>filter[name]</c> (partial), <c>filter[status]</c> (exact, comma list), <c>filter[meta][k]=v</c> (every pair),
    /// <c>include=components,meta</c>, <c>sort</c> (default <c>-created_at</c>), simple pagination.
    /// </summary>
    private ApiReply ListIncidents3(ApiCall call)
    {
        var filter = call.Input.Get("filter") as JsonObject;
        IEnumerable<FakeIncident> rows = incidents.All.Where(i => CanSee(call, i));
        if (filter?["name"]?.ToString() is { Length: > 0 } name)
            rows = rows.Where(i => i.Name.Contains(name, StringComparison.OrdinalIgnoreCase));
        if (filter?["status"]?.ToString() is { } status)
        {
            var wanted = status.Split(',', StringSplitOptions.TrimEntries);
            rows = rows.Where(i => wanted.Contains(i.Status.ToString(CultureInfo.InvariantCulture)));
        }

        if (filter?["meta"] is JsonObject meta)
        {
            var pairs = meta.Select(p => (p.Key, Value: p.Value?.ToString() ?? "")).ToArray();
            rows = rows.Where(i => pairs.All(p => i.Meta.Any(m => m.Key == p.Key && MetaText(m.Value) == p.Value)));
        }

        rows = Sort3(rows, call.Input.AsText("sort"), new Dictionary<string, Func<FakeIncident, IComparable>>
        {
            ["id"] = i => i.Id,
            ["name"] = i => i.Name,
            ["status"] = i => i.Status,
            ["created_at"] = i => i.CreatedAt,
        }) ?? rows.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
        var includes = Includes(call);
        var withComponents = includes.Contains("components");
        return Cachet3Json.Collection(
            [.. rows],
            i => RenderIncident3(i, call.Now, includes.Contains("meta"), withComponents),
            call.Input,
            call.RequestUrl,
            withComponents ? i => ImpactedComponents(i, call.Now) : null);
    }

    private static string MetaText(string storedJson) =>
        JsonNode.Parse(storedJson) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : storedJson;

    private ApiReply CreateIncident3(ApiCall call)
    {
        var rules = new Cachet3Rules(call.Input);
        var name = rules.Text("name", required: true, max: 255);
        var status = rules.Int("status", required: true, allowed: IncidentStatuses3);
        var message = rules.Given("template") ? rules.Text("message") : rules.Text("message", required: true);
        var visible = rules.Bool("visible");
        var stickied = rules.Bool("stickied");
        var notifications = rules.Bool("notifications");
        var occurredAt = rules.Date("occurred_at");
        var impacts = Impacts(rules, call.Input);
        var meta = rules.Array("meta");
        if (!rules.IsValid)
            return Cachet3Json.Invalid(rules.Failures);

        var id = incidents.NextId();
        var incident = incidents.Put(id, new FakeIncident(
            id, 1, impacts.FirstOrDefault()?.ComponentId ?? 0, name!, message ?? "", status!.Value, visible ?? false,
            stickied ?? false, notifications ?? false, occurredAt ?? call.Now, call.Now, call.Now, [])
        {
            Meta = StoreMeta([], meta, id, call.Now),
            Impacts = impacts,
        });
        var withComponents = Includes(call).Contains("components");
        return Cachet3Json.Document(
            RenderIncident3(incident, call.Now, true, withComponents),
            withComponents ? [.. ImpactedComponents(incident, call.Now)] : null,
            201);
    }

    /// <summary>
    /// <c>components: [{id, status}]</c> (ids must exist and be distinct, statuses 1–6), or the legacy
    /// <c>component_id</c> with its required <c>component_status</c>.
    /// </summary>
    private IReadOnlyList<FakeImpact> Impacts(Cachet3Rules rules, CachetInput input)
    {
        var impacts = new List<FakeImpact>();
        if (rules.Array("components") is { } list)
        {
            var items = list is JsonArray array ? array.ToArray() : [.. list.AsObject().Select(p => p.Value)];
            for (var n = 0; n < items.Length; n++)
            {
                var item = items[n] as JsonObject;
                var id = rules.NestedInt($"components.{n}.id", item?["id"]);
                var status = rules.NestedInt($"components.{n}.status", item?["status"], ComponentStatuses3);
                if (id is { } cid && components.Find(cid) is null)
                    rules.Add($"components.{n}.id", $"The selected components.{n}.id is invalid.");
                else if (id is { } dup && impacts.Any(x => x.ComponentId == dup))
                    rules.Add($"components.{n}.id", $"The components.{n}.id field has a duplicate value.");
                else if (id is { } ok && status is { } s)
                    impacts.Add(new FakeImpact(ok, s));
            }
        }

        if (rules.Given("component_id") || rules.Given("component_status"))
        {
            var id = rules.Int("component_id");
            var status = rules.Given("component_id")
                ? rules.Int("component_status", required: true, allowed: ComponentStatuses3)
                : rules.Int("component_status", allowed: ComponentStatuses3);
            if (id is { } cid && components.Find(cid) is null)
                rules.Add("component_id", "The selected component id is invalid.");
            else if (id is { } ok && status is { } s && impacts.All(x => x.ComponentId != ok))
                impacts.Add(new FakeImpact(ok, s));
        }

        return impacts;
    }

    /// <summary>Every field optional; attached components cannot be changed here.</summary>
    private ApiReply UpdateIncident3(ApiCall call, string id)
    {
        if (incidents.Find(id) is not { } incident || !CanSee(call, incident))
            return Cachet3Json.ModelNotFound("Incident", id);
        var rules = new Cachet3Rules(call.Input);
        var name = rules.Text("name", max: 255);
        var status = rules.Int("status", allowed: IncidentStatuses3);
        var message = rules.Text("message");
        var visible = rules.Bool("visible");
        var stickied = rules.Bool("stickied");
        var notifications = rules.Bool("notifications");
        var occurredAt = rules.Date("occurred_at");
        var meta = rules.Array("meta");
        if (!rules.IsValid)
            return Cachet3Json.Invalid(rules.Failures);
        var updated = incidents.Put(incident.Id, incident with
        {
            Name = name ?? incident.Name,
            Status = status ?? incident.Status,
            Message = message ?? incident.Message,
            Visible = visible ?? incident.Visible,
            Stickied = stickied ?? incident.Stickied,
            Notify = notifications ?? incident.Notify,
            OccurredAt = occurredAt ?? incident.OccurredAt,
            UpdatedAt = call.Now,
            Meta = meta is null ? incident.Meta : StoreMeta(incident.Meta, meta, incident.Id, call.Now),
        });
        return Cachet3Json.Document(RenderIncident3(updated, call.Now, true));
    }

    private ApiReply DeleteIncident3(ApiCall call, string id) =>
        incidents.Find(id) is { } incident && CanSee(call, incident) && incidents.Remove(incident.Id)
            ? NoContent()
            : Cachet3Json.ModelNotFound("Incident", id);

    private static JsonObject RenderUpdate3(FakeIncidentUpdate u, DateTimeOffset now) => Cachet3Json.Resource("updates", u.Id, new JsonObject
    {
        ["id"] = u.Id,
        ["updateable_id"] = u.IncidentId,
        ["updateable_type"] = "incident",
        ["message"] = u.Message,
        ["status"] = Cachet3Json.Status(Cachet3Json.IncidentStatusLabel(u.Status), u.Status),
        ["created"] = Cachet3Json.Time(u.CreatedAt, now),
        ["updated"] = Cachet3Json.Time(u.UpdatedAt, now),
    });

    private ApiReply ListUpdates3(ApiCall call, string id) =>
        incidents.Find(id) is { } incident && CanSee(call, incident)
            ? Cachet3Json.Collection(incident.Updates, u => RenderUpdate3(u, call.Now), call.Input, call.RequestUrl)
            : Cachet3Json.ModelNotFound("Incident", id);

    /// <summary><c>status</c> and <c>message</c> required; the incident's status becomes the update's (4 resolves it).</summary>
    private ApiReply CreateUpdate3(ApiCall call, string id)
    {
        if (incidents.Find(id) is not { } incident || !CanSee(call, incident))
            return Cachet3Json.ModelNotFound("Incident", id);
        var rules = new Cachet3Rules(call.Input);
        var status = rules.Int("status", required: true, allowed: IncidentStatuses3);
        var message = rules.Text("message", required: true);
        if (!rules.IsValid)
            return Cachet3Json.Invalid(rules.Failures);
        var update = new FakeIncidentUpdate(nextUpdateId++, incident.Id, status!.Value, message!, 1, call.Now, call.Now);
        incidents.Put(incident.Id, incident with { Status = update.Status, UpdatedAt = call.Now, Updates = [.. incident.Updates, update] });
        return Cachet3Json.Document(RenderUpdate3(update, call.Now), status: 201);
    }
}
