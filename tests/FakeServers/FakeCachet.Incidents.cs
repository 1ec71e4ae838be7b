using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The incident and incident-update endpoints.</summary>
public sealed partial class FakeCachet
{
    private CachetColumns<FakeIncident> IncidentColumns => new(
        new Dictionary<string, Func<FakeIncident, object?>>
        {
            ["id"] = i => (long)i.Id,
            ["user_id"] = i => (long)i.UserId,
            ["component_id"] = i => (long)i.ComponentId,
            ["name"] = i => i.Name,
            ["status"] = i => (long)i.Status,
            ["visible"] = i => i.Visible ? 1L : 0L,
            ["stickied"] = i => i.Stickied ? 1L : 0L,
            ["notifications"] = i => i.Notify ? 1L : 0L,
            ["message"] = i => i.Message,
            [Version == FakeCachetVersion.V24 ? "occurred_at" : "scheduled_at"] = i => CachetJson.Timestamp(i.OccurredAt),
            ["created_at"] = i => CachetJson.Timestamp(i.CreatedAt),
            ["updated_at"] = i => CachetJson.Timestamp(i.UpdatedAt),
            ["deleted_at"] = _ => null,
        },
        Version == FakeCachetVersion.V24
            ? new HashSet<string> { "id", "user_id", "component_id", "name", "status", "visible", "stickied" }
            : new HashSet<string> { "id", "component_id", "name", "status", "visible" },
        new HashSet<string> { "id", "name", "status", "visible", "stickied", "message", "occurred_at", "created_at" });

    private ApiReply ListIncidents(ApiCall call) =>
        CachetListing.List(
            call,
            incidents.All.Where(i => call.Authenticated || i.Visible),
            IncidentColumns,
            RenderIncident);

    private ApiReply GetIncident(string id) =>
        incidents.Find(id) is { } incident ? ApiReply.Data(RenderIncident(incident)) : CachetJson.ModelNotFound("Incident");

    private ApiReply CreateIncident(ApiCall call)
    {
        var rules = new CachetValidator(call.Input);
        var name = rules.Text("name", required: true);
        var status = rules.Int("status", required: true, min: 0, max: 4);
        var message = rules.Text("message");
        var visible = rules.Flag("visible", true, Version);
        var componentId = rules.Int("component_id", requiredWith: "component_status");
        var componentStatus = rules.Int("component_status", requiredWith: "component_id", min: 0, max: 4);
        var notify = rules.Flag("notify", true, Version);
        var stickied = rules.Flag("stickied", false, Version);
        var occurredAt = rules.Text("occurred_at");
        rules.Text("template");
        var meta = Version == FakeCachetVersion.V24 ? rules.Array("meta") : null;
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);

        var id = incidents.NextId();
        var occurred = ParseOccurredAt(occurredAt) ?? call.Now;
        var incident = incidents.Put(id, new FakeIncident(
            id, 1, componentId ?? 0, name!, message ?? "", status ?? 0, visible, stickied, notify, occurred, call.Now, call.Now, [])
        {
            Meta = StoreMeta([], meta, id, call.Now),
        });
        SetComponentStatusFromIncident(incident.ComponentId, componentStatus, call.Now);
        return ApiReply.Data(RenderIncident(incident));
    }

    private ApiReply UpdateIncident(ApiCall call, string id)
    {
        if (incidents.Find(id) is not { } incident)
            return CachetJson.ModelNotFound("Incident");
        var rules = new CachetValidator(call.Input);
        var name = rules.Text("name");
        var status = rules.Int("status", min: 0, max: 4);
        var message = rules.Text("message");
        var visible = rules.Flag("visible", true, Version);
        var componentId = rules.Int("component_id");
        var componentStatus = rules.Int("component_status", requiredWith: "component_id", min: 0, max: 4);
        var notify = rules.Flag("notify", true, Version);
        var stickied = rules.Flag("stickied", false, Version);
        var occurredAt = rules.Text("occurred_at");
        var meta = Version == FakeCachetVersion.V24 ? rules.Array("meta") : null;
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);

        // Cachet reads `visible` and `stickied` with defaults, so a PUT without them resets them to 1 and 0.
        var updated = incidents.Put(incident.Id, incident with
        {
            Name = name ?? incident.Name,
            Status = status ?? incident.Status,
            Message = message ?? incident.Message,
            Visible = visible,
            Stickied = stickied,
            Notify = notify,
            ComponentId = componentId ?? incident.ComponentId,
            OccurredAt = ParseOccurredAt(occurredAt) ?? incident.OccurredAt,
            UpdatedAt = call.Now,
            Meta = StoreMeta(incident.Meta, meta, incident.Id, call.Now),
        });
        if (componentId is { } linked)
            SetComponentStatusFromIncident(linked, componentStatus, call.Now);
        return ApiReply.Data(RenderIncident(updated));
    }

    private ApiReply DeleteIncident(string id)
    {
        if (incidents.Find(id) is not { } incident)
            return CachetJson.ModelNotFound("Incident");
        incidents.Remove(incident.Id);
        return NoContent();
    }

    private ApiReply ListUpdates(ApiCall call, string id) =>
        incidents.Find(id) is { } incident
            ? CachetJson.Paginate(incident.Updates.Reverse().ToArray(), u => RenderUpdate(incident, u), call.Input, call.RequestUrl)
            : CachetJson.ModelNotFound("Incident");

    private ApiReply CreateUpdate(ApiCall call, string id)
    {
        if (incidents.Find(id) is not { } incident)
            return CachetJson.ModelNotFound("Incident");
        var rules = new CachetValidator(call.Input);
        var status = rules.Int("status", required: true, min: 1, max: 4);
        var message = rules.Text("message", required: true);
        rules.Int("component_id", requiredWith: "component_status");
        rules.Int("component_status", requiredWith: "component_id", min: 0, max: 4);
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);

        // The update sets the incident's status; components are left alone.
        var update = new FakeIncidentUpdate(nextUpdateId++, incident.Id, status!.Value, message!, 1, call.Now, call.Now);
        var updated = incidents.Put(incident.Id, incident with
        {
            Status = update.Status,
            UpdatedAt = call.Now,
            Updates = [.. incident.Updates, update],
        });
        return ApiReply.Data(RenderUpdate(updated, update));
    }

    private static DateTimeOffset? ParseOccurredAt(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(
            text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private JsonNode RenderIncident(FakeIncident i)
    {
        var permalink = $"{Root}/incidents/{i.Id}";
        var json = new JsonObject
        {
            ["id"] = i.Id,
            ["user_id"] = i.UserId,
            ["component_id"] = i.ComponentId,
            ["name"] = i.Name,
            ["status"] = i.Status,
            ["visible"] = i.Visible ? 1 : 0,
            ["stickied"] = i.Stickied,
            ["notifications"] = i.Notify,
            ["message"] = i.Message,
        };
        if (Version == FakeCachetVersion.V23)
        {
            json["scheduled_at"] = CachetJson.Timestamp(i.OccurredAt);
            json["created_at"] = CachetJson.Timestamp(i.CreatedAt);
            json["updated_at"] = CachetJson.Timestamp(i.UpdatedAt);
            json["deleted_at"] = null;
            json["human_status"] = IncidentStatusName(i.Status);
            return json;
        }

        var latest = i.Updates.Count > 0 ? i.Updates[^1] : null;
        var end = i.Status == 4 ? i.UpdatedAt : time.GetUtcNow();
        json["occurred_at"] = CachetJson.Timestamp(i.OccurredAt);
        json["created_at"] = CachetJson.Timestamp(i.CreatedAt);
        json["updated_at"] = CachetJson.Timestamp(i.UpdatedAt);
        json["deleted_at"] = null;
        json["is_resolved"] = i.Status == 4;
        json["updates"] = new JsonArray([.. i.Updates.Reverse().Select(u => RenderUpdate(i, u))]);
        json["human_status"] = IncidentStatusName(i.Status);
        json["latest_update_id"] = latest?.Id;
        json["latest_status"] = latest?.Status ?? i.Status;
        json["latest_human_status"] = IncidentStatusName(latest?.Status ?? i.Status);
        json["latest_icon"] = (latest?.Status ?? i.Status) == 4 ? "icon ion-checkmark greens" : "icon ion-flag oranges";
        json["permalink"] = permalink;
        json["duration"] = (long)Math.Max((end - i.OccurredAt).TotalSeconds, 0);
        json["meta"] = RenderMeta(i.Meta);
        return json;
    }

    private JsonNode RenderUpdate(FakeIncident incident, FakeIncidentUpdate u) => new JsonObject
    {
        ["id"] = u.Id,
        ["incident_id"] = u.IncidentId,
        ["status"] = u.Status,
        ["message"] = u.Message,
        ["user_id"] = u.UserId,
        ["created_at"] = CachetJson.Timestamp(u.CreatedAt),
        ["updated_at"] = CachetJson.Timestamp(u.UpdatedAt),
        ["human_status"] = IncidentStatusName(u.Status),
        ["permalink"] = $"{Root}/incidents/{incident.Id}#update-{u.Id}",
    };

    private string IncidentStatusName(int status) => status switch
    {
        0 => Version == FakeCachetVersion.V23 ? "Scheduled" : "Reported",
        1 => "Investigating",
        2 => "Identified",
        3 => "Watching",
        4 => "Fixed",
        _ => "Unknown",
    };
}
