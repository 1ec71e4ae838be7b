using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The component endpoints.</summary>
public sealed partial class FakeCachet
{
    private static readonly CachetColumns<FakeComponent> ComponentColumns = new(
        new Dictionary<string, Func<FakeComponent, object?>>
        {
            ["id"] = c => (long)c.Id,
            ["name"] = c => c.Name,
            ["description"] = c => c.Description,
            ["link"] = c => c.Link,
            ["status"] = c => (long)c.Status,
            ["order"] = c => (long)c.Order,
            ["group_id"] = c => (long)c.GroupId,
            ["enabled"] = c => c.Enabled ? 1L : 0L,
            ["created_at"] = c => CachetJson.Timestamp(c.CreatedAt),
            ["updated_at"] = c => CachetJson.Timestamp(c.UpdatedAt),
            ["deleted_at"] = _ => null,
        },
        new HashSet<string> { "id", "name", "status", "order", "group_id", "enabled" },
        new HashSet<string> { "id", "name", "status", "order", "group_id", "enabled" });

    private ApiReply ListComponents(ApiCall call) =>
        CachetListing.List(
            call,
            components.All.Where(c => call.Authenticated || c.Enabled),
            ComponentColumns,
            RenderComponent);

    private ApiReply GetComponent(string id) =>
        components.Find(id) is { } component ? ApiReply.Data(RenderComponent(component)) : CachetJson.ModelNotFound("Component");

    private ApiReply CreateComponent(ApiCall call)
    {
        var rules = new CachetValidator(call.Input);
        var name = rules.Text("name", required: true);
        var description = rules.Text("description");
        var status = rules.Int("status", required: true, min: 0, max: 4);
        var link = rules.Url("link");
        var order = rules.Int("order");
        var groupId = rules.Int("group_id");
        var enabled = rules.StrictBool("enabled");
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);
        var id = components.NextId();
        var component = components.Put(id, new FakeComponent(
            id, name!, status ?? 0, enabled ?? true, link ?? "", description ?? "", order ?? 0, groupId ?? 0, call.Now, call.Now));
        return ApiReply.Data(RenderComponent(component));
    }

    private ApiReply UpdateComponent(ApiCall call, string id)
    {
        if (components.Find(id) is not { } component)
            return CachetJson.ModelNotFound("Component");
        var rules = new CachetValidator(call.Input);
        var name = rules.Text("name");
        var description = rules.Text("description");
        var status = rules.Int("status", min: 0, max: 4);
        var link = rules.Url("link");
        var order = rules.Int("order");
        var groupId = rules.Int("group_id");
        var enabled = rules.StrictBool("enabled");
        rules.Flag("silent", false, Version);
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);

        // Cachet 2.3 reads `enabled` with a default of true, so any PUT re-enables a disabled component.
        var enabledDefault = Version == FakeCachetVersion.V23 ? true : component.Enabled;
        var updated = component with
        {
            Name = name ?? component.Name,
            Description = description ?? component.Description,
            Status = status ?? component.Status,
            Link = link ?? component.Link,
            Order = order ?? component.Order,
            GroupId = groupId ?? component.GroupId,
            Enabled = enabled ?? enabledDefault,
            UpdatedAt = call.Now,
        };
        return ApiReply.Data(RenderComponent(components.Put(component.Id, updated)));
    }

    private ApiReply DeleteComponent(string id)
    {
        if (components.Find(id) is not { } component)
            return CachetJson.ModelNotFound("Component");
        components.Remove(component.Id);
        return NoContent();
    }

    /// <summary>Sets a component's status from an incident write (Cachet skips a zero id or status).</summary>
    private void SetComponentStatusFromIncident(int componentId, int? componentStatus, DateTimeOffset now)
    {
        if (componentId != 0 && componentStatus is { } status and not 0 && components.Find(componentId) is { } component)
            components.Put(componentId, component with { Status = status, UpdatedAt = now });
    }

    private static JsonNode RenderComponent(FakeComponent c) => new JsonObject
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["description"] = c.Description,
        ["link"] = c.Link,
        ["status"] = c.Status,
        ["order"] = c.Order,
        ["group_id"] = c.GroupId,
        ["created_at"] = CachetJson.Timestamp(c.CreatedAt),
        ["updated_at"] = CachetJson.Timestamp(c.UpdatedAt),
        ["deleted_at"] = null,
        ["enabled"] = c.Enabled,
        ["meta"] = null,
        ["status_name"] = ComponentStatusName(c.Status),
        ["tags"] = new JsonArray(),
    };

    private static string ComponentStatusName(int status) => status switch
    {
        1 => "Operational",
        2 => "Performance Issues",
        3 => "Partial Outage",
        4 => "Major Outage",
        _ => "Unknown",
    };
}
