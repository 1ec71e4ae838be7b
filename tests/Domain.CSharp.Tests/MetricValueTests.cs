namespace CachetMonitor.Domain.CSharp.Tests;

/// <summary>A value metric from C#: read the number from the observation, feed it, push it.</summary>
public sealed class MetricValueTests
{
    private static readonly EndpointConfig Queue = Configs.Parse(Configs.Api.Replace(
        "action: [UPDATE_STATUS, CREATE_INCIDENT]",
        "action: [PUSH_METRICS]\n    metric_id: 4\n    metric_value: {json: queue.depth}")).Endpoints[0];

    [Fact]
    public void The_value_read_is_the_metric_point_and_the_check_pushes_no_latency()
    {
        Assert.Equal("json: queue.depth", Queue.MetricValue);
        var observation = Observation.Responded(200, 0.25, """{"queue": {"depth": 42}}""");
        var reading = MonitorCore.ReadMetricValue(Queue, observation);
        Assert.Equal(42.0, reading.Value);
        Assert.Null(reading.Error);

        var state = MonitorCore.InitialComponent(Assert.Single(MonitorCore.Plans([Queue])));
        var checkedStep = MonitorCore.Step(state, ComponentEvent.Checked(Queue.Name, MonitorCore.Evaluate(Queue, observation), 1_700_000_000));
        Assert.DoesNotContain(checkedStep.Commands, c => c is PushMetricPoint);
        var measured = MonitorCore.Step(checkedStep.State, ComponentEvent.Measured(Queue.Name, reading.Value!.Value, 1_700_000_000));
        var point = Assert.IsType<PushMetricPoint>(Assert.Single(measured.Commands));
        Assert.Equal((4, 42.0), (point.MetricId, point.Value));
    }

    [Fact]
    public void A_body_without_the_number_says_why()
    {
        var reading = MonitorCore.ReadMetricValue(Queue, Observation.Responded(200, 0.25, "<html>busy</html>"));
        Assert.Null(reading.Value);
        Assert.StartsWith("the body is not JSON", reading.Error);
        Assert.Null(MonitorCore.ReadMetricValue(Queue, Observation.TimedOut()).Error);
    }
}
