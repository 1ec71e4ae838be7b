namespace CachetMonitor.Domain.CSharp.Tests;

/// <summary>Parse → step → feed back → step, as a runner of the core does it.</summary>
public sealed class ComponentTests
{
    private static readonly EndpointConfig Api = Configs.Parse(Configs.Api).Endpoints[0];

    private static ComponentState Adopted(params SeenIncident[] incidents) => Adopted(1, incidents);

    private static ComponentState Adopted(int shownStatus, params SeenIncident[] incidents)
    {
        var plan = Assert.Single(MonitorCore.Plans([Api]));
        Assert.Equal(7, plan.ComponentId);
        Assert.Equal(["api"], plan.Endpoints);
        var adopted = MonitorCore.Step(MonitorCore.InitialComponent(plan), ComponentEvent.Adopted(shownStatus, incidents));
        Assert.Empty(adopted.Commands);
        Assert.True(adopted.State.IsAdopted);
        return adopted.State;
    }

    private static StepResult Check(ComponentState state, Observation observation) =>
        MonitorCore.Step(state, ComponentEvent.Checked(Api.Name, MonitorCore.Evaluate(Api, observation), 1_700_000_000));

    [Fact]
    public void An_outage_opens_an_incident_whose_fed_back_id_is_updated_and_resolved()
    {
        var down = Check(Adopted(), Observation.Responded(503, 0.120, "unavailable"));

        var status = Assert.IsType<SetComponentStatus>(down.Commands[0]);
        Assert.Equal((7, 3), (status.ComponentId, status.Status));
        var open = Assert.IsType<OpenIncident>(down.Commands[1]);
        Assert.Equal("api is unavailable", open.Title);
        Assert.Equal("Unexpected HTTP status (503)", open.Message);
        Assert.Equal("PARTIAL", open.Severity);
        Assert.Equal(MonitorCore.IncidentTag(7), open.Tag);
        var notify = Assert.IsType<NotifyWebhooks>(down.Commands[2]);
        Assert.Equal("opened", notify.Event);
        Assert.True(down.State.HasIncident);
        Assert.Null(down.State.IncidentId);

        var opened = MonitorCore.Step(down.State, ComponentEvent.IncidentOpened(open.Write, 42));
        Assert.Empty(opened.Commands);
        Assert.Equal(42, opened.State.IncidentId);

        var slow = Check(opened.State, Observation.TimedOut());
        var update = Assert.Single(slow.Commands.OfType<UpdateIncident>());
        Assert.Equal((42, "PERFORMANCE", "Request timed out"), (update.IncidentId, update.Severity, update.Message));
        Assert.Equal(2, update.ComponentStatus);
        var written = MonitorCore.Step(slow.State, ComponentEvent.IncidentWritten(update.Write));

        var up = Check(written.State, Observation.Responded(200, 0.080, ""));
        var resolve = Assert.Single(up.Commands.OfType<ResolveIncident>());
        Assert.Equal((42, 1), (resolve.IncidentId, resolve.ComponentStatus));
        Assert.Equal("resolved", Assert.Single(up.Commands.OfType<NotifyWebhooks>()).Event);
        var settled = MonitorCore.Step(up.State, ComponentEvent.IncidentWritten(resolve.Write));
        Assert.False(settled.State.HasIncident);
        Assert.Empty(settled.State.DownEndpoints);
    }

    [Fact]
    public void A_tagged_incident_read_at_start_up_is_the_one_updated()
    {
        var seen = new SeenIncident(17, "api is unavailable", tagged: true, visible: true, componentStatus: null);
        var state = Adopted(3, seen);
        Assert.Equal(17, state.IncidentId);
        Assert.Equal(3, state.ShownStatus);

        var slow = Check(state, Observation.TimedOut());
        var update = Assert.Single(slow.Commands.OfType<UpdateIncident>());
        Assert.Equal(17, update.IncidentId);
        Assert.Equal([new KeyValuePair<string, string>("api", "PERFORMANCE")], slow.State.DownEndpoints);
    }

    [Fact]
    public void A_refused_create_is_not_retried()
    {
        var down = Check(Adopted(), Observation.Responded(500, 0.1, ""));
        var open = Assert.Single(down.Commands.OfType<OpenIncident>());

        var refused = MonitorCore.Step(down.State, ComponentEvent.IncidentRefused(open.Write));

        Assert.DoesNotContain(refused.Commands, c => c is OpenIncident);
        Assert.False(refused.State.HasIncident);
    }

    [Fact]
    public void A_retired_component_resolves_its_incident_and_then_is_settled()
    {
        var down = Check(Adopted(), Observation.Responded(502, 0.1, ""));
        var open = Assert.Single(down.Commands.OfType<OpenIncident>());
        var opened = MonitorCore.Step(down.State, ComponentEvent.IncidentOpened(open.Write, 5));

        var retired = MonitorCore.Step(opened.State, ComponentEvent.Retired());
        Assert.False(retired.State.IsSettled);
        var resolve = Assert.Single(retired.Commands.OfType<ResolveIncident>());
        Assert.Equal(5, resolve.IncidentId);

        var done = MonitorCore.Step(retired.State, ComponentEvent.IncidentWritten(resolve.Write));
        Assert.True(done.State.IsSettled);
    }

    [Fact]
    public void A_verdict_names_its_severity_as_the_config_does()
    {
        var failed = MonitorCore.Evaluate(Api, Observation.Responded(404, 0.25, ""));
        Assert.False(failed.Passed);
        Assert.Equal("PARTIAL", failed.Severity);
        Assert.Equal(0.25, failed.LatencySeconds);

        var passed = MonitorCore.Evaluate(Api, Observation.Responded(204, 0.05, ""));
        Assert.True(passed.Passed);
        Assert.Null(passed.Severity);
        Assert.Equal("pass", passed.ToString());
    }
}
