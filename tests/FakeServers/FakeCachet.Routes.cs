namespace CachetMonitor.FakeServers;

/// <summary>The route table below <c>/api/v1</c>.</summary>
public sealed partial class FakeCachet
{
    /// <summary>The handlers of a path by method, or null for an unknown route.</summary>
    private Dictionary<string, Func<ApiCall, ApiReply>>? Route(string[] segments) => segments switch
    {
        ["ping"] => Methods(("GET", _ => ApiReply.Data("Pong!"))),
        ["components"] => Methods(("GET", ListComponents), ("POST", CreateComponent)),
        ["components", var id] => Methods(
            ("GET", _ => GetComponent(id)), ("PUT", call => UpdateComponent(call, id)), ("DELETE", _ => DeleteComponent(id))),
        ["metrics"] => Methods(("GET", ListMetrics)),
        ["metrics", var id] => Methods(("GET", _ => GetMetric(id))),
        ["metrics", var id, "points"] => Methods(("GET", call => ListPoints(call, id)), ("POST", call => CreatePoint(call, id))),
        ["incidents"] => Methods(("GET", ListIncidents), ("POST", CreateIncident)),
        ["incidents", var id] => Methods(
            ("GET", _ => GetIncident(id)), ("PUT", call => UpdateIncident(call, id)), ("DELETE", _ => DeleteIncident(id))),
        ["incidents", var id, "updates"] when Version == FakeCachetVersion.V24 => Methods(
            ("GET", call => ListUpdates(call, id)), ("POST", call => CreateUpdate(call, id))),
        ["schedules"] when Version == FakeCachetVersion.V24 => Methods(("GET", ListSchedules)),
        ["schedules", var id] when Version == FakeCachetVersion.V24 => Methods(("GET", _ => GetSchedule(id))),
        _ => null,
    };

    private static Dictionary<string, Func<ApiCall, ApiReply>> Methods(params (string Method, Func<ApiCall, ApiReply> Handler)[] routes) =>
        routes.ToDictionary(r => r.Method, r => r.Handler, StringComparer.Ordinal);

    private static ApiReply NoContent() => new(204, null);
}
