namespace CachetMonitor.FakeServers;

/// <summary>A component held by the fake Cachet (a snapshot; the fake replaces it on every change).</summary>
public sealed record FakeComponent(
    int Id,
    string Name,
    int Status,
    bool Enabled,
    string Link,
    string Description,
    int Order,
    int GroupId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An incident update held by the fake Cachet.</summary>
public sealed record FakeIncidentUpdate(
    int Id,
    int IncidentId,
    int Status,
    string Message,
    int UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A row of Cachet 2.4's <c>meta</c> table: <see cref="Value"/> is the JSON text Cachet stores (its <c>json</c> cast),
/// e.g. <c>"tag"</c> with the quotes.
/// </summary>
public sealed record FakeMeta(
    int Id,
    string Key,
    string Value,
    string MetaType,
    int MetaId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An incident held by the fake Cachet; <see cref="Updates"/> are oldest first.</summary>
public sealed record FakeIncident(
    int Id,
    int UserId,
    int ComponentId,
    string Name,
    string Message,
    int Status,
    bool Visible,
    bool Stickied,
    bool Notify,
    DateTimeOffset OccurredAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<FakeIncidentUpdate> Updates)
{
    /// <summary>The incident's meta rows (2.4 and 3.x), oldest first.</summary>
    public IReadOnlyList<FakeMeta> Meta { get; init; } = [];

    /// <summary>
    /// 3.x: the components the incident is attached to, each with the status it gives them while the incident is
    /// unresolved, public and published (<c>incident_components</c>). Empty on 2.x.
    /// </summary>
    public IReadOnlyList<FakeImpact> Impacts { get; init; } = [];
}

/// <summary>A 3.x incident's impact on one component: the status the component shows while the incident counts.</summary>
public sealed record FakeImpact(int ComponentId, int Status);

/// <summary>A metric held by the fake Cachet; <see cref="Threshold"/> is the point-merging window in minutes.</summary>
public sealed record FakeMetric(
    int Id,
    string Name,
    string Suffix,
    string Description,
    double DefaultValue,
    int CalcType,
    int Places,
    int Threshold,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A metric point held by the fake Cachet; <see cref="CreatedAt"/> is rounded to 30 s.</summary>
public sealed record FakeMetricPoint(
    int Id,
    int MetricId,
    double Value,
    int Counter,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One request as the fake server received it.</summary>
/// <param name="Time">When it arrived (the server's <see cref="TimeProvider"/>).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The full request path, e.g. <c>/api/v1/components/7</c>.</param>
/// <param name="QueryString">The raw query string with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers (case-insensitive names; repeated values joined by <c>", "</c>).</param>
/// <param name="Body">The request body as UTF-8 text.</param>
public sealed record RecordedRequest(
    DateTimeOffset Time,
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The value of a request header, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
