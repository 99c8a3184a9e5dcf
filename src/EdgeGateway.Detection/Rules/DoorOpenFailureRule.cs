using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>door_open_failure</c> (3): stopped and the door opening continuously ≥ 10 s; cleared when the door is open.</summary>
public sealed class DoorOpenFailureRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.DoorOpenFailure, emitter, SignalMask.Door | SignalMask.Run, controllerDerived: true,
        options.DoorOpeningSeconds, 0)
{
    protected override bool RaiseCondition(in RuleContext context) =>
        context.IsStopped && context.State.Door == DoorState.Opening;

    protected override bool ClearCondition(in RuleContext context) => context.State.Door == DoorState.Open;
}
