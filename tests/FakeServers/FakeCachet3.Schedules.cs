using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>
/// 3.x schedules: <c>GET /schedules</c> with <c>filter[status]</c> (the status derived from the times: 0 upcoming,
/// 1 in progress, 2 complete), <c>include=components</c>, simple pagination. All are published here.
/// </summary>
public sealed partial class FakeCachet
{
    private static int ScheduleStatus3(FakeSchedule s, DateTimeOffset now) =>
        s.ScheduledAt > now ? 0 : s.CompletedAt is { } done && done <= now ? 2 : 1;

    private ApiReply ListSchedules3(ApiCall call)
    {
        var filter = call.Input.Get("filter") as JsonObject;
        IEnumerable<FakeSchedule> rows = schedules.All;
        if (filter?["status"]?.ToString() is { } status)
        {
            var wanted = status.Split(',', StringSplitOptions.TrimEntries);
            rows = rows.Where(s => wanted.Contains(ScheduleStatus3(s, call.Now).ToString(CultureInfo.InvariantCulture)));
        }

        var withComponents = Includes(call).Contains("components");
        return Cachet3Json.Collection(
            [.. rows.OrderBy(s => s.Id)],
            s => RenderSchedule3(s, call.Now, withComponents),
            call.Input,
            call.RequestUrl,
            withComponents ? s => s.ComponentIds.Select(components.Find).OfType<FakeComponent>().Select(c => RenderComponent3(c, call.Now)) : null);
    }

    private JsonObject RenderSchedule3(FakeSchedule s, DateTimeOffset now, bool withComponents)
    {
        var value = ScheduleStatus3(s, now);
        var attributes = new JsonObject
        {
            ["id"] = s.Id,
            ["name"] = s.Name,
            ["message"] = s.Message,
            ["status"] = Cachet3Json.Status(value switch { 0 => "Upcoming", 1 => "In Progress", _ => "Complete" }, value),
            ["scheduled"] = Cachet3Json.Time(s.ScheduledAt, now),
            ["completed"] = Cachet3Json.Time(s.CompletedAt, now),
            ["published"] = Cachet3Json.Time(s.CreatedAt, now),
        };
        var relationships = withComponents
            ? new JsonObject
            {
                ["components"] = new JsonObject
                {
                    ["data"] = new JsonArray([.. s.ComponentIds.Select(id => (JsonNode)Cachet3Json.Identifier("components", id))]),
                },
            }
            : null;
        return Cachet3Json.Resource("schedules", s.Id, attributes, relationships);
    }
}
