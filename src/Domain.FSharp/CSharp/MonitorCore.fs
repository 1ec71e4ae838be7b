namespace CachetMonitor.Domain.CSharp

open System
open System.Collections.Generic
open CachetMonitor.Domain
// The wrappers declared above win over the core's types of the same name.
open CachetMonitor.Domain.CSharp

/// A component's state after one event and the commands it requires.
[<Sealed>]
type StepResult internal (state: ComponentState, commands: IReadOnlyList<ComponentCommand>) =
    /// The component's state after the event.
    member _.State = state

    /// What must become true in Cachet (or be sent), in order.
    member _.Commands = commands

/// The core of cachet-monitor for C#: parse a config, judge observations, and step each component's decisions.
/// Nothing reachable from here holds an FSharp.Core type.
[<AbstractClass; Sealed>]
type MonitorCore =
    /// Parses and validates config text. <c>environment</c> answers <c>${VAR}</c> look-ups (null = unset) and
    /// gives the original's overrides (<c>CACHET_API_URL</c>, <c>CACHET_TOKEN</c>).
    static member ParseConfig
        (yaml: string, environment: Func<string, string | null>, timeZones: Func<string, TimeZoneInfo | null>)
        : ConfigParseResult =
        ConfigParseResult(HostInterop.ParseConfig(yaml, environment, timeZones))

    /// Parses and validates config text as <c>ParseConfig(yaml, environment, timeZones)</c> does, with no time-zone
    /// lookup: a maintenance window's <c>timezone</c> may only be UTC (the default, which needs none). The core does
    /// no I/O, so it never reads the machine's zone data itself; pass a lookup for named zones.
    static member ParseConfig(yaml: string, environment: Func<string, string | null>) : ConfigParseResult =
        MonitorCore.ParseConfig(yaml, environment, Func<string, TimeZoneInfo | null>(fun _ -> null))

    /// Judges one observation against the endpoint's expectations and its <c>on_timeout</c> and
    /// <c>on_unreachable</c> severities.
    static member Evaluate(endpoint: EndpointConfig, observation: Observation) : Verdict =
        Verdict(Monitor.evaluate endpoint.Inner observation.Inner)

    /// Reads the endpoint's <c>metric_value</c> from the body of a response (a number pushed instead of the latency).
    static member ReadMetricValue(endpoint: EndpointConfig, observation: Observation) : MetricReading =
        let reading = HostInterop.ReadMetricValue(endpoint.Inner, observation.Inner)
        MetricReading(reading.Value, reading.Error)

    /// The components the endpoints drive: grouped by <c>component_id</c>, in config order.
    static member Plans(endpoints: IEnumerable<EndpointConfig>) : IReadOnlyList<ComponentPlan> =
        endpoints
        |> Seq.map _.Inner
        |> List.ofSeq
        |> ComponentMonitor.plans
        |> List.map ComponentPlan
        |> List.toArray
        :> _

    /// A component's state before Cachet has been read (step <c>ComponentEvent.Adopted</c> next).
    static member InitialComponent(plan: ComponentPlan) : ComponentState =
        ComponentState(ComponentMonitor.initial plan.Inner)

    /// Folds one event into a component's state: the next state and the commands that make Cachet show it.
    static member Step(state: ComponentState, event: ComponentEvent) : StepResult =
        let next, commands = ComponentMonitor.step state.Inner event.Inner
        StepResult(ComponentState next, commands |> List.map ComponentCommands.wrap |> List.toArray :> IReadOnlyList<_>)

    /// The tag the monitor writes on a component's incidents (<c>meta.cachet_monitor</c>), to recognise them
    /// when reading Cachet (<see cref="SeenIncident"/>).
    static member IncidentTag(componentId: int) : string = ComponentMonitor.tagOf componentId

    /// The POST one webhook makes for a <see cref="NotifyWebhooks"/> command.
    static member RenderWebhook(webhook: WebhookConfig, notice: NotifyWebhooks) : WebhookCall =
        WebhookCall(WebhookRequest.render webhook.Inner notice.Notice)
