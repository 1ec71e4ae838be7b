using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>The metric and metric-point endpoints.</summary>
public sealed partial class FakeCachet
{
    private ApiReply ListMetrics(ApiCall call) =>
        CachetJson.Paginate(metrics.All, RenderMetric, call.Input, call.RequestUrl);

    private ApiReply GetMetric(string id) =>
        metrics.Find(id) is { } metric ? ApiReply.Data(RenderMetric(metric)) : CachetJson.ModelNotFound("Metric");

    private ApiReply ListPoints(ApiCall call, string id) =>
        metrics.Find(id) is { } metric
            ? CachetJson.Paginate(points.All.Where(p => p.MetricId == metric.Id).ToArray(), RenderPoint, call.Input, call.RequestUrl)
            : CachetJson.ModelNotFound("Metric");

    /// <summary>
    /// A point with the same value created at or after the start of the minute (threshold − 1) minutes ago gets its
    /// counter incremented instead of a new point; new points start at 1 with <c>created_at</c> rounded to 30 s.
    /// </summary>
    private ApiReply CreatePoint(ApiCall call, string id)
    {
        if (metrics.Find(id) is not { } metric)
            return CachetJson.ModelNotFound("Metric");
        var rules = new CachetValidator(call.Input);
        var value = rules.Number("value", required: true);
        var timestamp = rules.Long("timestamp");
        if (!rules.IsValid)
            return CachetJson.Invalid(rules.Details);

        var windowStart = StartOfMinute(call.Now.AddMinutes(-(metric.Threshold - 1)));
        var reused = points.All.FirstOrDefault(p => p.MetricId == metric.Id && p.Value == value && p.CreatedAt >= windowStart);
        if (reused is not null)
        {
            var counted = points.Put(reused.Id, reused with { Counter = reused.Counter + 1, UpdatedAt = call.Now });
            return ApiReply.Data(RenderPoint(counted));
        }

        var createdAt = RoundTo30Seconds(timestamp is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : call.Now);
        var pointId = points.NextId();
        var point = points.Put(pointId, new FakeMetricPoint(pointId, metric.Id, value!.Value, 1, createdAt, call.Now));
        return ApiReply.Data(RenderPoint(point));
    }

    private static DateTimeOffset StartOfMinute(DateTimeOffset t) =>
        new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, t.Offset);

    private static DateTimeOffset RoundTo30Seconds(DateTimeOffset t)
    {
        var seconds = t.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Round(seconds / 30.0, MidpointRounding.AwayFromZero) * 30);
    }

    private static JsonNode RenderMetric(FakeMetric m) => new JsonObject
    {
        ["id"] = m.Id,
        ["name"] = m.Name,
        ["suffix"] = m.Suffix,
        ["description"] = m.Description,
        ["default_value"] = m.DefaultValue,
        ["calc_type"] = m.CalcType,
        ["display_chart"] = true,
        ["places"] = m.Places,
        ["default_view"] = 1,
        ["threshold"] = m.Threshold,
        ["order"] = 0,
        ["visible"] = 1,
        ["created_at"] = CachetJson.Timestamp(m.CreatedAt),
        ["updated_at"] = CachetJson.Timestamp(m.UpdatedAt),
        ["default_view_name"] = "Last 12 Hours",
    };

    private static JsonNode RenderPoint(FakeMetricPoint p) => new JsonObject
    {
        ["id"] = p.Id,
        ["metric_id"] = p.MetricId,
        ["value"] = p.Value,
        ["counter"] = p.Counter,
        ["created_at"] = CachetJson.Timestamp(p.CreatedAt),
        ["updated_at"] = CachetJson.Timestamp(p.UpdatedAt),
        ["calculated_value"] = p.Value * p.Counter,
    };
}
