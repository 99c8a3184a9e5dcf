using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>floor_position_lost</c> (7): floor outside the configured range ≥ 2 s, or a jump of ≥ 2 floors in one update
/// while moving (at once); cleared once the floor has been valid and consistent (no such jump) ≥ 2 s.
/// </summary>
public sealed class FloorPositionLostRule(EventEmitter emitter, DetectionOptions options, LiftProfile profile)
    : HeldConditionRule(EventType.FloorPositionLost, emitter, SignalMask.Floor, controllerDerived: true,
        options.FloorInvalidSeconds, options.FloorValidSeconds)
{
    private readonly int _jumpFloors = options.FloorJumpFloors;
    private int _lastFloor;
    private bool _jumped;

    protected override void OnResumed(in RuleContext context) => _lastFloor = context.State.Floor;

    protected override void Track(in RuleContext context)
    {
        var floor = context.State.Floor;
        // Only a jump between two valid floors counts: an out-of-range value is the other clause's business.
        _jumped = floor != _lastFloor && context.IsMoving && profile.IsValidFloor(floor) && profile.IsValidFloor(_lastFloor)
            && Math.Abs(floor - _lastFloor) >= _jumpFloors;
        _lastFloor = floor;
        if (_jumped && Active)
        {
            RestartClearHold();
        }
    }

    protected override bool RaiseCondition(in RuleContext context) => !profile.IsValidFloor(context.State.Floor);

    protected override bool RaiseNow(in RuleContext context) => _jumped;

    protected override bool ClearCondition(in RuleContext context) => profile.IsValidFloor(context.State.Floor);
}
