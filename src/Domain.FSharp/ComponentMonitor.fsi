namespace CachetMonitor.Domain

/// The decisions for one Cachet component, driven by its endpoints: each endpoint debounces its own checks
/// (`allowed_fails`, `success_threshold`); the component shows the worst severity among its down endpoints and
/// has at most one open incident of ours. A fold of events into a state and the commands that make Cachet show
/// it; the outcomes of incident writes come back as events, so the core alone knows the open incident. Pure.
/// See docs/component-model.md for the worked cases.
[<RequireQualifiedAccess>]
module ComponentMonitor =
    /// The `meta` key that marks incidents this monitor created.
    [<Literal>]
    val TagKey: string = "cachet_monitor"

    /// The tag value written on a component's incidents.
    val tagOf: componentId: int -> string

    /// The component plans of a config: endpoints grouped by `component_id`, both in config order.
    val plans: endpoints: Endpoint list -> ComponentPlan list

    /// The state before Cachet has been read: every endpoint unchecked, nothing known of Cachet.
    val initial: plan: ComponentPlan -> ComponentState

    /// The status the component must show: the worst severity among its down endpoints (operational when none),
    /// never better than the floor of a foreign incident that is open.
    val target: state: ComponentState -> ComponentStatus

    /// Folds one event into the component's state: the new state and the commands that make Cachet show it, in
    /// order (metric point, component status, incident write, webhooks). Nothing is written before `Adopted`; at
    /// most one incident write is in flight, so a flapping endpoint never queues more than its current truth.
    val step: state: ComponentState -> event: ComponentEvent -> ComponentState * ComponentCommand list

    /// True when nothing of ours is left to write for a retired component (it can be dropped).
    val isSettled: state: ComponentState -> bool

    /// Every endpoint's down severity, in config order (`None` while up), for logs and metrics.
    val downSeverities: state: ComponentState -> (string * Severity option) list
