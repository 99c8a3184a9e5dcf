using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>power_loss</c> (41): mains false ≥ 1 s; cleared by mains true ≥ 1 s. A box input, so not suspended by link loss.</summary>
public sealed class PowerLossRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.PowerLoss, emitter, SignalMask.Mains, controllerDerived: false,
        options.PowerLossSeconds, options.PowerRestoredSeconds)
{
    protected override bool RaiseCondition(in RuleContext context) => !context.State.Mains;

    protected override bool ClearCondition(in RuleContext context) => context.State.Mains;
}

/// <summary><c>link_lost</c> (60): the controller has not answered (link false) ≥ 3 s; cleared by link true.</summary>
public sealed class LinkLostRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.LinkLost, emitter, SignalMask.Link, controllerDerived: false,
        options.LinkLostSeconds, 0)
{
    protected override bool RaiseCondition(in RuleContext context) => !context.State.Link;

    protected override bool ClearCondition(in RuleContext context) => context.State.Link;
}
