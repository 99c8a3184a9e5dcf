using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>unintended_movement</c> (5): run false and the door not closed, and either abs(speed) ≥ 150 mm/s for ≥ 0.2 s
/// or zone going true→false (at once); cleared once stopped ≥ 5 s.
/// </summary>
public sealed class UnintendedMovementRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.UnintendedMovement, emitter, SignalMask.Run | SignalMask.Door, controllerDerived: true,
        options.UnintendedMovementSeconds, options.UnintendedMovementStoppedSeconds)
{
    private readonly int _creepSpeed = options.UnintendedMovementSpeedMmS;
    private bool _zoneKnown;
    private bool _lastZone;
    private bool _zoneFell;

    protected override void OnResumed(in RuleContext context)
    {
        // No transition is inferred across a suspension: the zone edge must be seen while the rule watches.
        _zoneKnown = context.Knows(SignalMask.Zone);
        _lastZone = context.State.Zone;
    }

    protected override void Track(in RuleContext context)
    {
        var zoneKnown = context.Knows(SignalMask.Zone);
        var zone = context.State.Zone;
        _zoneFell = zoneKnown && _zoneKnown && _lastZone && !zone;
        _zoneKnown = zoneKnown;
        _lastZone = zone;
    }

    private static bool IdleWithDoorOpen(in RuleContext context) =>
        !context.State.Run && context.State.Door != DoorState.Closed;

    protected override bool RaiseCondition(in RuleContext context) =>
        IdleWithDoorOpen(in context) && context.Knows(SignalMask.Speed) && context.AbsSpeed >= _creepSpeed;

    protected override bool RaiseNow(in RuleContext context) => _zoneFell && IdleWithDoorOpen(in context);

    protected override bool ClearCondition(in RuleContext context) => context.IsStopped;
}
