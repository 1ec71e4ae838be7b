namespace CachetMonitor.Domain.CSharp.Tests;

public sealed class ParseTests
{
    [Fact]
    public void A_valid_config_is_read_with_the_names_its_author_wrote()
    {
        var endpoint = Assert.Single(Configs.Parse(Configs.Api).Endpoints);

        Assert.Equal("api", endpoint.Name);
        Assert.Equal(7, endpoint.ComponentId);
        Assert.Null(endpoint.MetricId);
        Assert.Equal(["UPDATE_STATUS", "CREATE_INCIDENT"], endpoint.Actions);
        Assert.True(endpoint.Has("CREATE_INCIDENT"));
        Assert.False(endpoint.Has("PUSH_METRICS"));
        Assert.Equal("PERFORMANCE", endpoint.OnTimeout);
        Assert.Equal("PARTIAL", endpoint.OnUnreachable);
        var expectation = Assert.Single(endpoint.Expectations);
        Assert.Equal("HTTP_STATUS", expectation.Type);
        Assert.Equal(["200-300"], expectation.StatusRanges);
        Assert.Null(expectation.ThresholdSeconds);
    }

    [Fact]
    public void An_invalid_config_gives_every_error_with_its_place_and_no_config()
    {
        var parsed = MonitorCore.ParseConfig(
            Configs.Api.Replace("status_range: 200-300", "status_range: 2OO").Replace("timeout: 1", "timeout: soon"),
            Configs.NoEnvironment);

        Assert.False(parsed.IsValid);
        Assert.False(parsed.TryGetConfig(out var config));
        Assert.Null(config);
        Assert.Equal(2, parsed.Errors.Count);
        var status = Assert.Single(parsed.Errors, e => e.Path == "endpoints[0].expectation[0].status_range");
        Assert.Equal(12, status.Line);
        Assert.StartsWith("endpoints[0].expectation[0].status_range (line 12, col ", status.ToString());
    }

    [Fact]
    public void Environment_values_fill_the_config_and_are_reported_as_secrets()
    {
        var parsed = MonitorCore.ParseConfig(
            Configs.Api.Replace("token: example-token", "token: ${STATUS_TOKEN}"),
            name => name == "STATUS_TOKEN" ? "s3cret-value" : null);

        Assert.True(parsed.TryGetConfig(out _));
        Assert.Equal(["s3cret-value"], parsed.EnvironmentValues);
    }
}
