using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetMonitor.FakeServers;

/// <summary>
/// A maintenance schedule (2.4): <c>status</c> 0 upcoming, 1 in progress, 2 complete; the times as Cachet shows them
/// (<c>"Y-m-d H:i"</c>, the app's time zone, UTC here); the components attached.
/// </summary>
public sealed record FakeSchedule(
    int Id,
    string Name,
    string Message,
    int Status,
    DateTimeOffset ScheduledAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<int> ComponentIds,
    DateTimeOffset CreatedAt)
{
    /// <summary>The schedule completed at <paramref name="at"/> (status 2).</summary>
    public FakeSchedule Complete(DateTimeOffset at) => this with { Status = 2, CompletedAt = at };
}

/// <summary><c>GET /schedules</c> and <c>GET /schedules/{id}</c> (2.4 only; 2.3 has no such routes).</summary>
public sealed partial class FakeCachet
{
    private readonly CachetTable<FakeSchedule> schedules = new();

    /// <summary>Adds a schedule attached to the components; returns it with its id.</summary>
    public FakeSchedule AddSchedule(string name, int status, DateTimeOffset scheduledAt, DateTimeOffset? completedAt, params int[] componentIds)
    {
        lock (gate)
        {
            var id = schedules.NextId();
            return schedules.Put(id, new FakeSchedule(id, name, "", status, scheduledAt, completedAt, componentIds, time.GetUtcNow()));
        }
    }

    /// <summary>Changes a schedule (e.g. completes it); false when there is none with the id.</summary>
    public bool ChangeSchedule(int id, Func<FakeSchedule, FakeSchedule> change) => Change(schedules, id, change);

    private ApiReply ListSchedules(ApiCall call) =>
        CachetJson.Paginate(schedules.All, RenderSchedule, call.Input, call.RequestUrl);

    private ApiReply GetSchedule(string id) =>
        schedules.Find(id) is { } schedule ? ApiReply.Data(RenderSchedule(schedule)) : CachetJson.ModelNotFound("Schedule");

    private static string Minutes(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static JsonNode RenderSchedule(FakeSchedule s) => new JsonObject
    {
        ["id"] = s.Id,
        ["name"] = s.Name,
        ["message"] = s.Message,
        ["status"] = s.Status,
        ["human_status"] = s.Status switch { 0 => "Upcoming", 1 => "In Progress", _ => "Complete" },
        ["scheduled_at"] = Minutes(s.ScheduledAt),
        ["completed_at"] = s.CompletedAt is { } completed ? Minutes(completed) : null,
        ["created_at"] = CachetJson.Timestamp(s.CreatedAt),
        ["updated_at"] = CachetJson.Timestamp(s.CreatedAt),
        ["components"] = new JsonArray(s.ComponentIds.Select((componentId, i) => (JsonNode)new JsonObject
        {
            ["id"] = s.Id * 1000 + i,
            ["schedule_id"] = s.Id,
            ["component_id"] = componentId,
            ["component_status"] = 6,
            ["created_at"] = CachetJson.Timestamp(s.CreatedAt),
            ["updated_at"] = CachetJson.Timestamp(s.CreatedAt),
        }).ToArray()),
    };
}
