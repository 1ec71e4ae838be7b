using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CachetMonitor.FakeServers;

/// <summary>
/// An in-process Cachet API v1 (2.4, or 2.3 with <see cref="FakeCachetVersion.V23"/>) or Cachet 3.x API
/// (<see cref="FakeCachetVersion.V3"/>, following ../shared/reference/cachet-3-api.md) on 127.0.0.1 for tests:
/// seed it, point a client at <see cref="BaseUrl"/>, then inspect its state, the request log, and inject faults.
/// Every member is thread-safe; snapshots are immutable.
/// </summary>
public sealed partial class FakeCachet : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly TimeProvider time;
    private readonly Dictionary<string, IReadOnlySet<string>> tokens = new(StringComparer.Ordinal);
    private readonly CachetTable<FakeComponent> components = new();
    private readonly CachetTable<FakeIncident> incidents = new();
    private readonly CachetTable<FakeMetric> metrics = new();
    private readonly CachetTable<FakeMetricPoint> points = new();
    private readonly List<RecordedRequest> requests = [];
    private readonly List<CachetFaultRule> faults = [];
    private int nextUpdateId = 1;
    private WebApplication? app;

    private FakeCachet(FakeCachetVersion version, TimeProvider time, string cachetPath)
    {
        Version = version;
        this.time = time;
        ApiPrefix = version == FakeCachetVersion.V3 ? cachetPath.TrimEnd('/') + "/api" : "/api/v1";
    }

    /// <summary>Starts a fake on an ephemeral 127.0.0.1 port.</summary>
    /// <param name="version">The Cachet flavour to reproduce (default 2.4).</param>
    /// <param name="time">The clock for timestamps, metric windows and fault windows (default: system clock).</param>
    /// <param name="cachetPath">3.x only: Cachet's <c>CACHET_PATH</c> (the API is at <c>{path}/api</c>), e.g. <c>/status</c>.</param>
    public static async Task<FakeCachet> StartAsync(
        FakeCachetVersion version = FakeCachetVersion.V24, TimeProvider? time = null, string cachetPath = "")
    {
        var fake = new FakeCachet(version, time ?? TimeProvider.System, cachetPath);
        var (app, root) = await LoopbackHost.StartAsync(fake.HandleAsync);
        fake.app = app;
        fake.Root = root.GetLeftPart(UriPartial.Authority);
        return fake;
    }

    /// <summary>The Cachet flavour this fake reproduces.</summary>
    public FakeCachetVersion Version { get; }

    /// <summary>The server root, <c>http://127.0.0.1:{port}</c>.</summary>
    public string Root { get; private set; } = "";

    /// <summary>The API base URL, <c>http://127.0.0.1:{port}/api/v1</c> (3.x: <c>…{path}/api</c>; no trailing slash).</summary>
    public string BaseUrl => Root + ApiPrefix;

    /// <summary>The port the fake listens on.</summary>
    public int Port => new Uri(Root).Port;

    /// <summary>Stops the server; in-flight requests are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        if (app is { } running)
        {
            app = null;
            await LoopbackHost.StopAsync(running);
        }
    }

    // ---- tokens ----

    /// <summary>
    /// Makes <paramref name="token"/> a valid API token (of user 1). 3.x: the token's abilities (e.g.
    /// <c>incidents.manage</c>); none given is <c>*</c>, every ability, as Cachet gives a key with none ticked.
    /// </summary>
    public void AddToken(string token, params string[] abilities)
    {
        lock (gate)
            tokens[token] = abilities.Length == 0 ? new HashSet<string> { "*" } : abilities.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Revokes a token.</summary>
    public void RemoveToken(string token)
    {
        lock (gate)
            tokens.Remove(token);
    }

    /// <summary>The valid tokens.</summary>
    public IReadOnlyCollection<string> Tokens
    {
        get
        {
            lock (gate)
                return [.. tokens.Keys];
        }
    }

    // ---- seeding ----

    /// <summary>Adds a component; returns it with its id. 3.x: <paramref name="status"/> is its baseline (1–6).</summary>
    public FakeComponent AddComponent(string name, int status = 1, bool enabled = true, string link = "")
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var id = components.NextId();
            return components.Put(id, new FakeComponent(id, name, status, enabled, link, "", 0, 0, now, now));
        }
    }

    /// <summary>Adds a metric; <paramref name="threshold"/> is its point-merging window in minutes (Cachet default 5).</summary>
    public FakeMetric AddMetric(string name, string suffix = "ms", int threshold = 5, int calcType = 1, int places = 2)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var id = metrics.NextId();
            return metrics.Put(id, new FakeMetric(id, name, suffix, "", 0, calcType, places, threshold, now, now));
        }
    }

    /// <summary>
    /// Adds an incident (without touching any component) with optional meta rows of string values (2.4, 3.x); returns
    /// it with its id. 3.x: a <paramref name="componentId"/> is attached as an impact of <paramref name="componentStatus"/>,
    /// by default the component's baseline when it is failing (2–4), else a partial outage.
    /// </summary>
    public FakeIncident AddIncident(
        string name,
        int status,
        int componentId = 0,
        bool visible = true,
        string message = "",
        bool stickied = false,
        IReadOnlyDictionary<string, string>? meta = null,
        int componentStatus = 0)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var id = incidents.NextId();
            return incidents.Put(
                id,
                new FakeIncident(id, 1, componentId, name, message, status, visible, stickied, true, now, now, now, [])
                {
                    Meta = SeedMeta(meta, id, now),
                    Impacts = Version == FakeCachetVersion.V3 && componentId > 0
                        ? [new FakeImpact(componentId, componentStatus > 0 ? componentStatus : SeededImpact(componentId))]
                        : [],
                });
        }
    }

    private int SeededImpact(int componentId) =>
        components.Find(componentId)?.Status is { } baseline and >= 2 and <= 4 ? baseline : 3;

    /// <summary>Replaces a component by <paramref name="change"/> of it (e.g. an operator edits Cachet); false if missing.</summary>
    public bool ChangeComponent(int id, Func<FakeComponent, FakeComponent> change) => Change(components, id, change);

    /// <summary>Replaces an incident by <paramref name="change"/> of it; false if missing.</summary>
    public bool ChangeIncident(int id, Func<FakeIncident, FakeIncident> change) => Change(incidents, id, change);

    /// <summary>Deletes an incident (as an operator would); false if missing.</summary>
    public bool RemoveIncident(int id)
    {
        lock (gate)
            return incidents.Remove(id);
    }

    // ---- inspection ----

    /// <summary>All components, by id.</summary>
    public IReadOnlyList<FakeComponent> Components => Snapshot(components);

    /// <summary>All incidents with their updates, by id.</summary>
    public IReadOnlyList<FakeIncident> Incidents => Snapshot(incidents);

    /// <summary>All metrics, by id.</summary>
    public IReadOnlyList<FakeMetric> Metrics => Snapshot(metrics);

    /// <summary>All metric points, by id.</summary>
    public IReadOnlyList<FakeMetricPoint> MetricPoints => Snapshot(points);

    /// <summary>One component, or null.</summary>
    public FakeComponent? Component(int id) => Find(components, id);

    /// <summary>
    /// The status the status page shows for a component, or -1 when it is missing: 2.x its status; 3.x its
    /// <c>latest_status</c> (the most severe of its baseline and the impacts of unresolved, public incidents).
    /// </summary>
    public int ShownStatus(int id)
    {
        lock (gate)
        {
            return components.Find(id) switch
            {
                null => -1,
                { } c when Version == FakeCachetVersion.V3 => LatestStatus(c),
                { } c => c.Status,
            };
        }
    }

    /// <summary>One incident, or null.</summary>
    public FakeIncident? Incident(int id) => Find(incidents, id);

    /// <summary>Every request received so far (also faulted and rejected ones), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
                return [.. requests];
        }
    }

    /// <summary>Forgets the request log.</summary>
    public void ClearRequests()
    {
        lock (gate)
            requests.Clear();
    }

    // ---- faults ----

    /// <summary>
    /// Applies <paramref name="fault"/> to the next <paramref name="count"/> matching requests. <paramref name="method"/>
    /// (null: any) and <paramref name="path"/> (below <c>/api/v1</c>, matched by whole segments: <c>/incidents</c>
    /// matches <c>/incidents/4/updates</c>; null: any) narrow the match.
    /// </summary>
    public void FailNext(CachetFault fault, int count = 1, string? method = null, string? path = null) =>
        AddFault(new CachetFaultRule(fault, method, path, count, null));

    /// <summary>Applies <paramref name="fault"/> to every matching request for <paramref name="window"/> (the fake's clock).</summary>
    public void FailFor(CachetFault fault, TimeSpan window, string? method = null, string? path = null) =>
        AddFault(new CachetFaultRule(fault, method, path, null, time.GetUtcNow() + window));

    /// <summary>Applies <paramref name="fault"/> to every matching request until <see cref="ClearFaults"/>.</summary>
    public void FailUntilCleared(CachetFault fault, string? method = null, string? path = null) =>
        AddFault(new CachetFaultRule(fault, method, path, null, null));

    /// <summary>Removes every injected fault.</summary>
    public void ClearFaults()
    {
        lock (gate)
            faults.Clear();
    }

    private void AddFault(CachetFaultRule rule)
    {
        lock (gate)
            faults.Add(rule);
    }

    private CachetFault? TakeFault(string method, string path, DateTimeOffset now)
    {
        lock (gate)
        {
            faults.RemoveAll(f => f.IsSpent(now));
            return faults.FirstOrDefault(f => f.TryConsume(method, path, now))?.Fault;
        }
    }

    // ---- state helpers ----

    private IReadOnlyList<T> Snapshot<T>(CachetTable<T> table)
        where T : class
    {
        lock (gate)
            return table.All;
    }

    private T? Find<T>(CachetTable<T> table, int id)
        where T : class
    {
        lock (gate)
            return table.Find(id);
    }

    private bool Change<T>(CachetTable<T> table, int id, Func<T, T> change)
        where T : class
    {
        lock (gate)
        {
            if (table.Find(id) is not { } row)
                return false;
            table.Put(id, change(row));
            return true;
        }
    }
}
