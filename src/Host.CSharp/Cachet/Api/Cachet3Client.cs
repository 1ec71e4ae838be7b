using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A typed client for the Cachet 3.x API (<c>{CACHET_PATH}/api</c>, see docs/cachet-3.md), behind the same
/// <see cref="ICachetApi"/> as the 2.x client: it only translates. Bearer token; JSON:API records with string ids and
/// <c>{human, value}</c> statuses; an incident attaches its component as an impact (<c>components: [{id, status}]</c>)
/// and leaves the component's own status alone (<see cref="IncidentsSetComponentStatus"/> is false); incidents are sent
/// with <c>visible</c> and <c>notifications</c> explicitly and tagged in <c>meta</c>; lists use simple pagination
/// (≤ 100 per page, no totals). One HTTP attempt per call; failures are classified <see cref="CachetApiException"/>s,
/// a 403 naming the token ability it lacks. The token never appears in a message or in <see cref="ToString"/>.
/// </summary>
public sealed class Cachet3Client : ICachetApi
{
    /// <summary>Records asked for per page (Cachet 3 clamps <c>per_page</c> to 100).</summary>
    public const int PageSize = 100;

    /// <summary>Pages of unresolved incidents read at most in one listing (10,000 incidents); beyond, the listing is incomplete.</summary>
    public const int MaxIncidentPages = 100;

    private readonly CachetHttp transport;

    /// <summary>Creates a client.</summary>
    /// <param name="http">
    /// The HTTP client (its <c>Timeout</c> bounds each call): the factory's <see cref="Hosting.MonitorHttpClients.Cachet"/>, which follows no
    /// redirect.
    /// </param>
    /// <param name="apiBaseUrl">The API base, e.g. <c>https://status.example.com/api</c>; a trailing <c>/</c> is ignored.</param>
    /// <param name="token">The Cachet API key (a Sanctum personal access token).</param>
    /// <param name="time">The clock used to turn a <c>Retry-After</c> date into a delay (default: system clock).</param>
    /// <exception cref="ArgumentException">When <paramref name="apiBaseUrl"/> is not an absolute http(s) URL.</exception>
    public Cachet3Client(HttpClient http, string apiBaseUrl, string token, TimeProvider? time = null)
    {
        var checkedBase = CachetHttp.CheckedBase(apiBaseUrl, nameof(apiBaseUrl));
        transport = new CachetHttp(
            http,
            checkedBase,
            request => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token),
            time ?? TimeProvider.System,
            (method, path) => MissingAbility(AbilityFor(method, path)));
    }

    /// <summary>The API base URL without a trailing <c>/</c> and without user-info.</summary>
    public string BaseUrl => transport.BaseUrl;

    /// <summary>False: a 3.x incident attaches an impact; the component's own status changes only when set.</summary>
    public bool IncidentsSetComponentStatus => false;

    /// <summary>True: a point within the metric's <c>threshold</c> minutes of the newest only raises its counter.</summary>
    public bool DropsPointsWithinThreshold => true;

    /// <summary>Names the client by its base URL only.</summary>
    public override string ToString() => $"Cachet3Client({BaseUrl})";

    /// <summary>The token ability a write needs (Cachet's <c>guard</c> calls), or null for a read.</summary>
    public static string? AbilityFor(HttpMethod method, string path)
    {
        if (method == HttpMethod.Get)
            return null;
        var segments = CachetHttp.Call(path).Trim('/').Split('/');
        return segments switch
        {
            ["incidents", _, "updates", ..] => "incident-updates.manage",
            ["metrics", _, "points", ..] => "metric-points.manage",
            [var resource, ..] => $"{resource}.{(method == HttpMethod.Delete ? "delete" : "manage")}",
            _ => null,
        };
    }

    private static string MissingAbility(string? ability) =>
        ability is null
            ? "Cachet refused the API token for this call (HTTP 403)"
            : $"the Cachet API key lacks the ability \"{ability}\": give the key that ability in Cachet's dashboard (API keys), or use a key with every ability";

    /// <summary><c>GET /components/{id}</c>; the status is the component's baseline.</summary>
    public async Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, $"/components/{id}", null, $"component {id}", ct);
        return CachetHttp.Read(root, $"/components/{id}", Cachet3Data.Component);
    }

    /// <summary>
    /// Every component: enabled ones, then disabled ones (<c>filter[enabled]=0</c>; Cachet lists enabled ones only
    /// unless asked), <c>per_page=100</c>, page by page while <c>links.next</c> is present.
    /// </summary>
    public async IAsyncEnumerable<CachetComponent> ListComponentsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var enabled in new[] { 1, 0 })
        {
            for (var page = 1; ; page++)
            {
                var path = $"/components?filter[enabled]={enabled}&per_page={PageSize}&page={page}";
                var root = await transport.SendAsync(HttpMethod.Get, path, null, "components", ct);
                var components = CachetHttp.Read(root, path, data => CachetData.Array(data, "components").Select(Cachet3Data.Component).ToArray());
                foreach (var component in components)
                    yield return component;
                if (!Cachet3Data.HasNext(root) || components.Length == 0)
                    break;
            }
        }
    }

    /// <summary><c>GET /metrics/{id}</c>.</summary>
    public async Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, $"/metrics/{id}", null, $"metric {id}", ct);
        return CachetHttp.Read(root, $"/metrics/{id}", Cachet3Data.Metric);
    }

    /// <summary>The newest unresolved incident of a component, or null.</summary>
    public async Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        (await ListUnresolvedIncidentsAsync(componentId, ct)).FirstOrDefault();

    /// <summary>
    /// Every unresolved incident attached to a component, newest first: the listing of
    /// <see cref="ListAllUnresolvedIncidentsAsync"/> narrowed to it (Cachet 3 has no component filter on incidents).
    /// </summary>
    /// <exception cref="CachetApiException">Also when the listing is longer than <see cref="MaxIncidentPages"/> pages.</exception>
    public async Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct) =>
        await ListAllUnresolvedIncidentsAsync(ct) is { } all
            ? [.. all.Where(i => i.ComponentId == componentId)]
            : throw new CachetApiException(
                CachetApiErrorKind.MalformedResponse, $"more than {MaxIncidentPages * PageSize} unresolved incidents: too many to list (GET /incidents)");

    /// <summary>
    /// Every unresolved incident, once per attached component, newest first: <c>GET
    /// /incidents?filter[status]=0,1,2,3&amp;include=components,meta&amp;per_page=100&amp;page=N</c> with the token (so
    /// private ones are listed too, given <c>incidents.manage</c>), while <c>links.next</c> is present. Null beyond
    /// <see cref="MaxIncidentPages"/> pages. An incident changing between two pages may be missed until the next listing.
    /// </summary>
    public async Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct)
    {
        var byKey = new Dictionary<(IncidentId, ComponentId?), CachetIncident>();
        for (var page = 1; page <= MaxIncidentPages; page++)
        {
            var path = $"/incidents?filter[status]=0,1,2,3&include=components,meta&sort=-id&per_page={PageSize}&page={page}";
            var root = await transport.SendAsync(HttpMethod.Get, path, null, "unresolved incidents", ct);
            var incidents = CachetHttp.Read(root, path, data =>
            {
                var list = CachetData.Array(data, "incidents");
                var impacts = Cachet3Data.Impacts(root, list);
                return list.SelectMany(i => Cachet3Data.Incidents(i, impacts)).ToArray();
            });
            foreach (var incident in incidents.Where(i => i.Status < 4))
                byKey[(incident.Id, incident.ComponentId)] = incident;
            if (!Cachet3Data.HasNext(root) || incidents.Length == 0)
                return [.. byKey.Values.OrderByDescending(i => i.Id)];
        }

        return null;
    }

    /// <summary>
    /// The schedules in progress: <c>GET /schedules?filter[status]=1&amp;include=components&amp;per_page=100&amp;page=N</c>
    /// while <c>links.next</c> is present (at most <see cref="MaxIncidentPages"/> pages).
    /// </summary>
    public async Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct)
    {
        var all = new List<CachetSchedule>();
        for (var page = 1; page <= MaxIncidentPages; page++)
        {
            var path = $"/schedules?filter[status]=1&include=components&per_page={PageSize}&page={page}";
            var root = await transport.SendAsync(HttpMethod.Get, path, null, "schedules", ct);
            var schedules = CachetHttp.Read(root, path, data => CachetData.Array(data, "schedules").Select(CachetScheduleData.Schedule3).ToArray());
            all.AddRange(schedules);
            if (!Cachet3Data.HasNext(root) || schedules.Length == 0)
                break;
        }
        return all;
    }

    /// <summary><c>PUT /components/{cid}</c> with <c>status</c> only (the baseline; 2.x "unknown" is sent as 5).</summary>
    public Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct) =>
        transport.SendAsync(
            HttpMethod.Put,
            $"/components/{componentId}",
            new JsonObject { ["status"] = Cachet3Data.ToCachet3Status(status) },
            $"component {componentId}",
            ct);

    /// <summary>
    /// <c>POST /incidents</c>: status 1 (investigating), <c>visible</c> sent explicitly (Cachet 3 would make it
    /// private, which changes nothing on the page), <c>notifications: true</c>, the component attached as an impact of
    /// <paramref name="componentStatus"/>, and <c>meta.cachet_monitor</c> when tagged. Returns the new incident's id.
    /// </summary>
    /// <exception cref="ArgumentException">When the tag is one Cachet would not keep as sent (<see cref="CachetIncident.IsValidMonitorTag"/>).</exception>
    public async Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct)
    {
        CachetIncident.CheckTag(monitorTag, nameof(monitorTag));
        var body = new JsonObject
        {
            ["name"] = name,
            ["message"] = message,
            ["status"] = 1,
            ["visible"] = visible,
            ["notifications"] = true,
            ["components"] = new JsonArray(new JsonObject { ["id"] = componentId.Value, ["status"] = Cachet3Data.ToCachet3Status(componentStatus) }),
        };
        if (monitorTag is not null)
            body["meta"] = new JsonObject { [CachetIncident.MonitorTagKey] = monitorTag };
        var root = await transport.SendAsync(HttpMethod.Post, "/incidents", body, "incidents", ct);
        return new IncidentId(CachetHttp.Read(root, "/incidents", Cachet3Data.Id));
    }

    /// <summary>As the tagged overload, untagged.</summary>
    public Task<IncidentId> CreateIncidentAsync(string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct);

    /// <summary>
    /// A severity change: <c>POST /incidents/{id}/updates</c> with status 1 and the message (Cachet 3 cannot change an
    /// incident's impacts; the component's own status is the caller's <see cref="SetComponentStatusAsync"/>).
    /// </summary>
    public Task UpdateIncidentAsync(
        IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        transport.PostIncidentUpdateAsync(incidentId, 1, message, ct);

    /// <summary>
    /// Resolves an incident: <c>POST /incidents/{id}/updates</c> with status 4 (its impact ends with it). False when
    /// the incident is gone (404).
    /// </summary>
    public Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct) =>
        CachetHttp.FoundAsync(transport.PostIncidentUpdateAsync(incidentId, 4, message, ct));

    /// <summary><c>POST /metrics/{id}/points</c> with the value as a plain decimal and the Unix timestamp.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="value"/> is NaN or infinite.</exception>
    public Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct)
    {
        return transport.SendAsync(
            HttpMethod.Post, $"/metrics/{metricId}/points", CachetNumber.PointBody(value, unixSeconds), $"metric {metricId}", ct);
    }

    /// <summary><c>GET /ping</c>.</summary>
    public Task PingAsync(CancellationToken ct) => transport.SendAsync(HttpMethod.Get, "/ping", null, "ping", ct);

    /// <summary><c>GET /version</c>: the version string of a 3.x answer (<c>data</c> is an object), else null.</summary>
    public async Task<string?> VersionAsync(CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, "/version", null, "version", ct);
        return root["data"] is JsonObject data && data["version"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
    }
}
