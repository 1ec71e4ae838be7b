using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CachetMonitor.Domain;

namespace CachetMonitor.Host.Cachet.Api;

/// <summary>
/// A typed client for the Cachet API v1 (2.4, with 2.3 fallbacks). One HTTP attempt per call: retries belong to
/// the caller; failures are thrown as a classified <see cref="CachetApiException"/>. Every request carries the token
/// in <c>X-Cachet-Token</c> and <c>Accept: application/json</c>; writes send JSON bodies. The token never appears in
/// an exception message or in <see cref="ToString"/>. Cancelling <c>ct</c> throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class CachetClient : ICachetApi
{
    private readonly CachetHttp transport;

    /// <summary>Creates a client.</summary>
    /// <param name="http">
    /// The HTTP client (its <c>Timeout</c> bounds each call): the factory's <see cref="Hosting.MonitorHttpClients.Cachet"/>, which follows no
    /// redirect.
    /// </param>
    /// <param name="apiBaseUrl">The API base, e.g. <c>https://status.example.com/api/v1</c>; a trailing <c>/</c> is ignored.</param>
    /// <param name="token">The Cachet API token.</param>
    /// <param name="time">The clock used to turn a <c>Retry-After</c> date into a delay (default: system clock).</param>
    /// <exception cref="ArgumentException">When <paramref name="apiBaseUrl"/> is not an absolute http(s) URL.</exception>
    public CachetClient(HttpClient http, string apiBaseUrl, string token, TimeProvider? time = null)
    {
        var checkedBase = CachetHttp.CheckedBase(apiBaseUrl, nameof(apiBaseUrl));
        transport = new CachetHttp(
            http, checkedBase, request => request.Headers.TryAddWithoutValidation("X-Cachet-Token", token), time ?? TimeProvider.System);
    }

    /// <summary>The API base URL without a trailing <c>/</c> and without user-info.</summary>
    public string BaseUrl => transport.BaseUrl;

    /// <summary>Names the client by its base URL only.</summary>
    public override string ToString() => $"CachetClient({BaseUrl})";

    /// <summary><c>GET /components/{id}</c>.</summary>
    public async Task<CachetComponent> GetComponentAsync(ComponentId id, CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, $"/components/{id}", null, $"component {id}", ct);
        return CachetHttp.Read(root, $"/components/{id}", data => CachetData.Component(data));
    }

    /// <summary><c>GET /metrics/{id}</c>.</summary>
    public async Task<CachetMetric> GetMetricAsync(MetricId id, CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, $"/metrics/{id}", null, $"metric {id}", ct);
        return CachetHttp.Read(root, $"/metrics/{id}", data => CachetData.Metric(data));
    }

    /// <summary>The newest unresolved incident (status &lt; 4) of a component, or null: see <see cref="ListUnresolvedIncidentsAsync"/>.</summary>
    public async Task<CachetIncident?> FindOpenIncidentAsync(ComponentId componentId, CancellationToken ct) =>
        (await ListUnresolvedIncidentsAsync(componentId, ct)).FirstOrDefault();

    /// <summary>Incidents asked for per call when listing one component's.</summary>
    public const int IncidentPageSize = 100;

    /// <summary>Incidents asked for in one call when that page is full, or when listing every unresolved one.</summary>
    public const int LargeIncidentPageSize = 1000;

    /// <summary>
    /// Every unresolved incident (status &lt; 4) of a component, newest first: <c>GET
    /// /incidents?component_id={cid}&amp;sort=id&amp;per_page=100</c> with the token (private incidents too), never with
    /// <c>page</c> (Cachet turns a filter with <c>page</c> into a 500). When that page is full and more pages exist, the
    /// same list once more with <c>per_page=1000</c>. The bound: only the component's 1,000 newest incidents, resolved
    /// or not, are seen; an unresolved one older than those is missed. The server's filter and order are checked, not
    /// trusted.
    /// </summary>
    public async Task<IReadOnlyList<CachetIncident>> ListUnresolvedIncidentsAsync(ComponentId componentId, CancellationToken ct)
    {
        var resource = $"incidents of component {componentId}";
        var path = $"/incidents?component_id={componentId}&sort=id&per_page=";
        var (incidents, complete) = await ListIncidentsAsync(path + IncidentPageSize, IncidentPageSize, resource, ct);
        if (!complete)
            (incidents, _) = await ListIncidentsAsync(path + LargeIncidentPageSize, LargeIncidentPageSize, resource, ct);
        return [.. incidents.Where(i => i.ComponentId == componentId && i.Status < 4).OrderByDescending(i => i.Id)];
    }

    /// <summary>
    /// Every unresolved incident of every component, newest first, in four calls: <c>GET
    /// /incidents?status=S&amp;per_page=1000</c> for S = 0…3 with the token (first pages only: a filter with <c>page</c>
    /// is a 500). Null when any status has more than 1,000 incidents: the caller then reads per component. An incident
    /// whose status changes between two of the calls may be listed under either status, or missed until the next
    /// listing.
    /// </summary>
    public async Task<IReadOnlyList<CachetIncident>?> ListAllUnresolvedIncidentsAsync(CancellationToken ct)
    {
        var byId = new Dictionary<IncidentId, CachetIncident>();
        for (var status = 0; status < 4; status++)
        {
            var (incidents, complete) = await ListIncidentsAsync(
                $"/incidents?status={status}&per_page={LargeIncidentPageSize}", LargeIncidentPageSize, "unresolved incidents", ct);
            if (!complete)
                return null;
            foreach (var incident in incidents.Where(i => i.Status < 4))
                byId[incident.Id] = incident;
        }

        return [.. byId.Values.OrderByDescending(i => i.Id)];
    }

    /// <summary>
    /// One page of incidents, and whether it is the whole list: <c>total_pages</c> says so when Cachet sends it,
    /// else a page shorter than asked for.
    /// </summary>
    private async Task<(CachetIncident[] Incidents, bool Complete)> ListIncidentsAsync(
        string path, int perPage, string resource, CancellationToken ct)
    {
        var root = await transport.SendAsync(HttpMethod.Get, path, null, resource, ct);
        return CachetHttp.Read(root, path, data =>
        {
            var incidents = CachetData.Array(data, "incidents").Select(CachetData.Incident).ToArray();
            var complete = CachetData.TotalPages(root) is { } pages ? pages <= 1 : incidents.Length < perPage;
            return (incidents, complete);
        });
    }

    /// <summary><c>PUT /components/{cid}</c> with <c>status</c> only.</summary>
    public Task SetComponentStatusAsync(ComponentId componentId, int status, CancellationToken ct) =>
        transport.SendAsync(HttpMethod.Put, $"/components/{componentId}", new JsonObject { ["status"] = status }, $"component {componentId}", ct);

    /// <summary>
    /// <c>POST /incidents</c> with <c>status=1</c> and <c>notify=true</c>; Cachet also sets the component's status to
    /// <paramref name="componentStatus"/>. Returns the new incident's id.
    /// </summary>
    public Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct) =>
        CreateIncidentAsync(name, message, componentId, componentStatus, visible, null, ct);

    /// <summary>
    /// As the untagged overload, with <c>"meta": {"cachet_monitor": tag}</c> in the body when <paramref name="monitorTag"/>
    /// is set (Cachet 2.3 ignores it: its incidents have no meta).
    /// </summary>
    /// <exception cref="ArgumentException">When the tag is one Cachet would not keep as sent (<see cref="CachetIncident.IsValidMonitorTag"/>).</exception>
    public async Task<IncidentId> CreateIncidentAsync(
        string name, string message, ComponentId componentId, int componentStatus, bool visible, string? monitorTag, CancellationToken ct)
    {
        CachetIncident.CheckTag(monitorTag, nameof(monitorTag));
        var body = OpenIncidentBody(name, message, componentId, componentStatus, visible);
        body["notify"] = true;
        if (monitorTag is not null)
            body["meta"] = new JsonObject { [CachetIncident.MonitorTagKey] = monitorTag };
        var root = await transport.SendAsync(HttpMethod.Post, "/incidents", body, "incidents", ct);
        return new IncidentId(CachetHttp.Read(root, "/incidents", data => CachetData.Int(CachetData.Object(data, "incident"), "id")));
    }

    /// <summary>
    /// A severity change on an open incident: <c>POST /incidents/{id}/updates</c> with <c>status=1</c> and the message;
    /// on 404 (Cachet 2.3 has no updates) <c>PUT /incidents/{id}</c> with name, message, <c>status=1</c>, visible and the
    /// component link and status. The caller sets the component status separately.
    /// </summary>
    public async Task UpdateIncidentAsync(
        IncidentId incidentId, string name, string message, ComponentId componentId, int componentStatus, bool visible, CancellationToken ct)
    {
        try
        {
            await transport.PostIncidentUpdateAsync(incidentId, 1, message, ct);
        }
        catch (CachetApiException e) when (e.Kind == CachetApiErrorKind.NotFound)
        {
            var body = OpenIncidentBody(name, message, componentId, componentStatus, visible);
            await transport.SendAsync(HttpMethod.Put, $"/incidents/{incidentId}", body, $"incident {incidentId}", ct);
        }
    }

    /// <summary>
    /// Resolves an incident: <c>POST /incidents/{id}/updates</c> with <c>status=4</c> and the message; on 404
    /// <c>PUT /incidents/{id}</c> with <c>status=4</c> and <c>visible</c> (which Cachet would otherwise reset).
    /// Returns false when that is 404 too: the incident is gone.
    /// </summary>
    public async Task<bool> ResolveIncidentAsync(IncidentId incidentId, string message, bool visible, CancellationToken ct)
    {
        try
        {
            await transport.PostIncidentUpdateAsync(incidentId, 4, message, ct);
            return true;
        }
        catch (CachetApiException e) when (e.Kind == CachetApiErrorKind.NotFound)
        {
            try
            {
                var body = new JsonObject { ["status"] = 4, ["visible"] = visible };
                await transport.SendAsync(HttpMethod.Put, $"/incidents/{incidentId}", body, $"incident {incidentId}", ct);
                return true;
            }
            catch (CachetApiException gone) when (gone.Kind == CachetApiErrorKind.NotFound)
            {
                return false;
            }
        }
    }

    /// <summary><c>POST /metrics/{id}/points</c> with the value as a plain decimal and the Unix timestamp.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="value"/> is NaN or infinite.</exception>
    public Task PushMetricPointAsync(MetricId metricId, double value, long unixSeconds, CancellationToken ct)
    {
        return transport.SendAsync(
            HttpMethod.Post, $"/metrics/{metricId}/points", CachetNumber.PointBody(value, unixSeconds), $"metric {metricId}", ct);
    }

    /// <summary>Components per page of <see cref="ListComponentsAsync"/> (Cachet 2.x sets no upper bound).</summary>
    public const int ListPageSize = 500;

    /// <summary>
    /// Every component, enabled or not (with a valid token Cachet lists disabled ones too): <c>GET
    /// /components?per_page=500&amp;page=N</c> from 1 while <c>next_page</c> is set. The link itself is not followed, so
    /// the token only ever goes to <see cref="BaseUrl"/>.
    /// </summary>
    public async IAsyncEnumerable<CachetComponent> ListComponentsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            var path = $"/components?per_page={ListPageSize}&page={page}";
            var root = await transport.SendAsync(HttpMethod.Get, path, null, "components", ct);
            var (components, more) = CachetHttp.Read(root, path, data =>
            {
                var list = CachetData.Array(data, "components").Select(CachetData.Component).ToArray();
                var next = root["meta"]?["pagination"]?["links"]?["next_page"];
                return (list, next is not null && next.GetValueKind() != JsonValueKind.Null);
            });
            foreach (var component in components)
                yield return component;
            if (!more || components.Length == 0)
                yield break;
        }
    }

    /// <summary>
    /// Every schedule (2.4): <c>GET /schedules?per_page=100&amp;page=N</c> while <c>next_page</c> is set; null on 2.3,
    /// which has no schedules (404).
    /// </summary>
    public async Task<IReadOnlyList<CachetSchedule>?> ListSchedulesAsync(CancellationToken ct)
    {
        var all = new List<CachetSchedule>();
        for (var page = 1; page <= 100; page++)
        {
            var path = $"/schedules?per_page=100&page={page}";
            JsonObject root;
            try
            {
                root = await transport.SendAsync(HttpMethod.Get, path, null, "schedules", ct);
            }
            catch (CachetApiException e) when (e.Kind == CachetApiErrorKind.NotFound && page == 1)
            {
                return null;
            }
            var (schedules, more) = CachetHttp.Read(root, path, data =>
            {
                var list = CachetData.Array(data, "schedules").Select(CachetScheduleData.Schedule2).ToArray();
                var next = root["meta"]?["pagination"]?["links"]?["next_page"];
                return (list, next is not null && next.GetValueKind() != JsonValueKind.Null);
            });
            all.AddRange(schedules);
            if (!more || schedules.Length == 0)
                break;
        }
        return all;
    }

    /// <summary><c>GET /ping</c>.</summary>
    public Task PingAsync(CancellationToken ct) => transport.SendAsync(HttpMethod.Get, "/ping", null, "ping", ct);

    /// <summary>The fields of an open (status 1) incident linked to its component.</summary>
    private static JsonObject OpenIncidentBody(string name, string message, ComponentId componentId, int componentStatus, bool visible) =>
        new()
        {
            ["name"] = name,
            ["message"] = message,
            ["status"] = 1,
            ["visible"] = visible,
            ["component_id"] = componentId.Value,
            ["component_status"] = componentStatus,
        };
}
