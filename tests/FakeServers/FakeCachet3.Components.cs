using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The 3.x route table, probes, components and metrics.</summary>
public sealed partial class FakeCachet
{
    private static readonly HashSet<int> ComponentStatuses3 = [1, 2, 3, 4, 5, 6];

    /// <summary>Severity order of the effective status: major, partial, performance, maintenance, unknown, operational.</summary>
    private static readonly int[] SeverityOrder3 = [1, 5, 6, 2, 3, 4];

    /// <summary>The handlers (and the ability a write needs) of a path by method, or null for an unknown route.</summary>
    private Dictionary<string, (Func<ApiCall, ApiReply> Handler, string? Ability)>? Route3(string[] segments) => segments switch
    {
        ["ping"] => Methods3(("GET", _ => Cachet3Json.Plain("Pong!"), null)),
        ["version"] => Methods3(("GET", _ => Cachet3Json.Plain(new JsonObject { ["version"] = "3.x-dev" }), null)),
        ["status"] => Methods3(("GET", _ => SystemStatus3(), null)),
        ["components"] => Methods3(("GET", ListComponents3, null), ("POST", CreateComponent3, "components.manage")),
        ["components", var id] => Methods3(
            ("GET", call => GetComponent3(call, id), null),
            ("PUT", call => UpdateComponent3(call, id), "components.manage"),
            ("PATCH", call => UpdateComponent3(call, id), "components.manage"),
            ("DELETE", _ => DeleteComponent3(id), "components.delete")),
        ["metrics", var id] => Methods3(("GET", call => GetMetric3(call, id), null)),
        ["metrics", var id, "points"] => Methods3(
            ("GET", call => ListPoints3(call, id), null), ("POST", call => CreatePoint3(call, id), "metric-points.manage")),
        ["incidents"] => Methods3(("GET", ListIncidents3, null), ("POST", CreateIncident3, "incidents.manage")),
        ["incidents", var id] => Methods3(
            ("GET", call => GetIncident3(call, id), null),
            ("PUT", call => UpdateIncident3(call, id), "incidents.manage"),
            ("PATCH", call => UpdateIncident3(call, id), "incidents.manage"),
            ("DELETE", call => DeleteIncident3(call, id), "incidents.delete")),
        ["incidents", var id, "updates"] => Methods3(
            ("GET", call => ListUpdates3(call, id), null), ("POST", call => CreateUpdate3(call, id), "incident-updates.manage")),
        ["schedules"] => Methods3(("GET", ListSchedules3, null)),
        _ => null,
    };

    private static Dictionary<string, (Func<ApiCall, ApiReply> Handler, string? Ability)> Methods3(
        params (string Method, Func<ApiCall, ApiReply> Handler, string? Ability)[] routes) =>
        routes.ToDictionary(r => r.Method, r => (r.Handler, r.Ability), StringComparer.Ordinal);

    private ApiReply SystemStatus3()
    {
        var worst = components.All.Where(c => c.Enabled).Select(LatestStatus).DefaultIfEmpty(1).MaxBy(Severity3);
        var (status, message) = worst switch
        {
            4 => ("major_outage", "Major Outage"),
            2 or 3 => ("partial_outage", "Partial Outage"),
            6 => ("under_maintenance", "Under Maintenance"),
            _ => ("operational", "All Systems Operational"),
        };
        return Cachet3Json.Plain(new JsonObject { ["status"] = status, ["message"] = message });
    }

    private static int Severity3(int status) => Array.IndexOf(SeverityOrder3, status);

    /// <summary>
    /// <c>latest_status</c>: the most severe of the baseline and the impacts of unresolved (status &lt; 4), public
    /// incidents (a private incident changes nothing on the page).
    /// </summary>
    private int LatestStatus(FakeComponent component) =>
        incidents.All
            .Where(i => i.Status < 4 && i.Visible)
            .SelectMany(i => i.Impacts)
            .Where(impact => impact.ComponentId == component.Id)
            .Select(impact => impact.Status)
            .Append(component.Status)
            .MaxBy(Severity3);

    private JsonObject RenderComponent3(FakeComponent c, DateTimeOffset now, int? pivotStatus = null)
    {
        var attributes = new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["description"] = c.Description,
            ["link"] = c.Link,
            ["order"] = c.Order,
            ["status"] = Cachet3Json.Status(Cachet3Json.ComponentStatusLabel(c.Status), c.Status),
            ["latest_status"] = Cachet3Json.Status(Cachet3Json.ComponentStatusLabel(LatestStatus(c)), LatestStatus(c)),
            ["enabled"] = c.Enabled,
            ["created"] = Cachet3Json.Time(c.CreatedAt, now),
            ["updated"] = Cachet3Json.Time(c.UpdatedAt, now),
        };
        if (pivotStatus is { } pivot)
        {
            attributes["pivot"] = new JsonObject
            {
                ["component_status"] = Cachet3Json.Status(Cachet3Json.ComponentStatusLabel(pivot), pivot),
            };
        }

        return Cachet3Json.Resource("components", c.Id, attributes);
    }

    /// <summary>Guests never see disabled components.</summary>
    private FakeComponent? VisibleComponent(ApiCall call, string id) =>
        components.Find(id) is { } c && (c.Enabled || call.Authenticated) ? c : null;

    private ApiReply GetComponent3(ApiCall call, string id)
    {
        if (VisibleComponent(call, id) is not { } component)
            return Cachet3Json.ModelNotFound("Component", id);
        var data = RenderComponent3(component, call.Now);
        if (!Includes(call).Contains("incidents"))
            return Cachet3Json.Document(data);
        var linked = incidents.All
            .Where(i => CanSee(call, i))
            .SelectMany(i => i.Impacts.Where(x => x.ComponentId == component.Id).Select(x => (Incident: i, Impact: x)))
            .ToArray();
        data["relationships"] = new JsonObject
        {
            ["incidents"] = new JsonObject
            {
                ["data"] = new JsonArray([.. linked.Select(l => (JsonNode)Cachet3Json.Identifier("incidents", l.Incident.Id))]),
            },
        };
        return Cachet3Json.Document(data, [.. linked.Select(l => RenderIncident3(l.Incident, call.Now, false))]);
    }

    /// <summary>
    /// <c>filter[name]</c> (partial), <c>filter[status]</c>, <c>filter[enabled]</c> (default 1; disabled ones only to
    /// a token), <c>sort</c> (<c>-</c> for descending), simple pagination.
    /// </summary>
    private ApiReply ListComponents3(ApiCall call)
    {
        var filter = call.Input.Get("filter") as JsonObject;
        var enabled = filter?["enabled"]?.ToString() is "0" or "false" && call.Authenticated ? false : true;
        IEnumerable<FakeComponent> rows = components.All.Where(c => c.Enabled == enabled);
        if (filter?["name"]?.ToString() is { Length: > 0 } name)
            rows = rows.Where(c => c.Name.Contains(name, StringComparison.OrdinalIgnoreCase));
        if (filter?["status"]?.ToString() is { } status)
            rows = rows.Where(c => status.Split(',').Contains(c.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        rows = Sort3(rows, call.Input.AsText("sort"), new Dictionary<string, Func<FakeComponent, IComparable>>
        {
            ["id"] = c => c.Id,
            ["name"] = c => c.Name,
            ["order"] = c => c.Order,
        }) ?? rows.OrderBy(c => c.Order);
        return Cachet3Json.Collection([.. rows], c => RenderComponent3(c, call.Now), call.Input, call.RequestUrl);
    }

    private static IEnumerable<T>? Sort3<T>(IEnumerable<T> rows, string? sort, Dictionary<string, Func<T, IComparable>> columns)
    {
        if (sort is null)
            return null;
        var descending = sort.StartsWith('-');
        return columns.TryGetValue(sort.TrimStart('-'), out var key)
            ? descending ? rows.OrderByDescending(key) : rows.OrderBy(key)
            : null;
    }

    private static HashSet<string> Includes(ApiCall call) =>
        (call.Input.AsText("include") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    private ApiReply CreateComponent3(ApiCall call) => WriteComponent3(call, null);

    private ApiReply UpdateComponent3(ApiCall call, string id) =>
        components.Find(id) is { } component ? WriteComponent3(call, component) : Cachet3Json.ModelNotFound("Component", id);

    /// <summary>
    /// A create (<paramref name="existing"/> null: <c>name</c> required, status 5 unknown by default; 201) or an
    /// update (every field optional, omitted ones untouched: omitting <c>enabled</c> does not re-enable; 200).
    /// </summary>
    private ApiReply WriteComponent3(ApiCall call, FakeComponent? existing)
    {
        var rules = new Cachet3Rules(call.Input);
        var name = rules.Text("name", required: existing is null, max: 255);
        var description = rules.Text("description");
        var status = rules.Int("status", allowed: ComponentStatuses3);
        var link = rules.Url("link");
        var order = rules.Int("order", min: 0);
        var enabled = rules.Bool("enabled");
        if (!rules.IsValid)
            return Cachet3Json.Invalid(rules.Failures);
        var before = existing ?? new FakeComponent(components.NextId(), "", 5, true, "", "", 0, 0, call.Now, call.Now);
        var written = components.Put(before.Id, before with
        {
            Name = name ?? before.Name,
            Description = description ?? before.Description,
            Status = status ?? before.Status,
            Link = link ?? before.Link,
            Order = order ?? before.Order,
            Enabled = enabled ?? before.Enabled,
            UpdatedAt = call.Now,
        });
        return Cachet3Json.Document(RenderComponent3(written, call.Now), status: existing is null ? 201 : 200);
    }

    private ApiReply DeleteComponent3(string id) =>
        components.Find(id) is { } c && components.Remove(c.Id) ? NoContent() : Cachet3Json.ModelNotFound("Component", id);

    private static JsonObject RenderMetric3(FakeMetric m) => Cachet3Json.Resource("metrics", m.Id, new JsonObject
    {
        ["id"] = m.Id,
        ["name"] = m.Name,
        ["suffix"] = m.Suffix,
        ["description"] = m.Description,
        ["default_value"] = m.DefaultValue,
        ["calc_type"] = Cachet3Json.Status(m.CalcType == 1 ? "Average" : "Sum", m.CalcType),
        ["display_chart"] = true,
        ["places"] = m.Places,
        ["default_view"] = Cachet3Json.Status("Last 12 Hours", 1),
        ["threshold"] = m.Threshold,
        ["order"] = 0,
        ["visible"] = Cachet3Json.Status("Guest", 1),
    });

    private ApiReply GetMetric3(ApiCall call, string id) =>
        metrics.Find(id) is { } metric ? Cachet3Json.Document(RenderMetric3(metric)) : Cachet3Json.ModelNotFound("Metric", id);

    private static JsonObject RenderPoint3(FakeMetricPoint p, DateTimeOffset now) => Cachet3Json.Resource("metricPoints", p.Id, new JsonObject
    {
        ["id"] = p.Id,
        ["metric_id"] = p.MetricId,
        ["calculated_value"] = p.Value * p.Counter,
        ["value"] = p.Value,
        ["counter"] = p.Counter,
        ["created"] = Cachet3Json.Time(p.CreatedAt, now),
        ["updated"] = Cachet3Json.Time(p.UpdatedAt, now),
    });

    private ApiReply ListPoints3(ApiCall call, string id) =>
        metrics.Find(id) is { } metric
            ? Cachet3Json.Collection([.. points.All.Where(p => p.MetricId == metric.Id)], p => RenderPoint3(p, call.Now), call.Input, call.RequestUrl)
            : Cachet3Json.ModelNotFound("Metric", id);

    /// <summary>
    /// <c>created_at</c> is the timestamp (default now) rounded to 30 s; when the metric's newest point lies within its
    /// <c>threshold</c> minutes of it, that point's counter grows and the new value is ignored (still 201).
    /// </summary>
    private ApiReply CreatePoint3(ApiCall call, string id)
    {
        if (metrics.Find(id) is not { } metric)
            return Cachet3Json.ModelNotFound("Metric", id);
        var rules = new Cachet3Rules(call.Input);
        var value = rules.Number("value", required: true);
        var timestamp = rules.Date("timestamp");
        if (!rules.IsValid)
            return Cachet3Json.Invalid(rules.Failures);
        var createdAt = RoundTo30Seconds(timestamp ?? call.Now);
        var newest = points.All.Where(p => p.MetricId == metric.Id).MaxBy(p => p.CreatedAt);
        if (newest is not null && metric.Threshold > 0 && (createdAt - newest.CreatedAt).Duration() < TimeSpan.FromMinutes(metric.Threshold))
        {
            var counted = points.Put(newest.Id, newest with { Counter = newest.Counter + 1, UpdatedAt = call.Now });
            return Cachet3Json.Document(RenderPoint3(counted, call.Now), status: 201);
        }

        var pointId = points.NextId();
        var point = points.Put(pointId, new FakeMetricPoint(pointId, metric.Id, value!.Value, 1, createdAt, call.Now));
        return Cachet3Json.Document(RenderPoint3(point, call.Now), status: 201);
    }
}
