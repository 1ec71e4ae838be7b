namespace CachetMonitor.Domain.CSharp.Tests;

public sealed class WebhookAndShardTests
{
    [Fact]
    public void A_notify_command_renders_the_configured_webhook()
    {
        var config = Configs.Parse(Configs.Api);
        var endpoint = config.Endpoints[0];
        var plan = MonitorCore.Plans(config.Endpoints)[0];
        var state = MonitorCore.Step(MonitorCore.InitialComponent(plan), ComponentEvent.Adopted(1, [])).State;
        var verdict = MonitorCore.Evaluate(endpoint, Observation.TimedOut());
        var step = MonitorCore.Step(state, ComponentEvent.Checked(endpoint.Name, verdict, 1_700_000_000));

        var notify = Assert.Single(step.Commands.OfType<NotifyWebhooks>());
        var call = MonitorCore.RenderWebhook(Assert.Single(config.Webhooks), notify);

        Assert.Equal("https://hooks.example.com/notify?text=api+has+degraded+performance%3A+Request+timed+out", call.Url);
        Assert.Null(call.JsonBody);
    }

    [Fact]
    public void Shards_split_the_endpoints_so_each_is_monitored_once()
    {
        Assert.False(Shard.TryParse("x", out var none, out var error));
        Assert.Null(none);
        Assert.Contains("I/N", error);
        Assert.True(Shard.TryOfHostname("cachet-monitor-1", 3, out var fromHost, out _));
        Assert.Equal("1/3", fromHost.ToString());

        var config = Configs.Parse(Configs.Api);
        var owners = Enumerable.Range(0, 3)
            .Select(i => Shard.TryParse($"{i}/3", out var shard, out _) ? shard : throw new InvalidOperationException())
            .Where(shard => shard.Owns("api"))
            .ToList();
        var owner = Assert.Single(owners);
        Assert.Single(owner.Restrict(config).Endpoints);
    }
}
