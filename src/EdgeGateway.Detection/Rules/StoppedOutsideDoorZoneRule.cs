using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>stopped_outside_door_zone</c> (4): stopped with zone false ≥ 10 s outside inspection; cleared by zone true.</summary>
public sealed class StoppedOutsideDoorZoneRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.StoppedOutsideDoorZone, emitter, SignalMask.Run | SignalMask.Zone, controllerDerived: true,
        options.OutsideDoorZoneSeconds, 0)
{
    protected override bool RaiseCondition(in RuleContext context) =>
        context.IsStopped && !context.State.Zone && context.State.Mode != LiftMode.Inspection;

    protected override bool ClearCondition(in RuleContext context) => context.State.Zone;
}
