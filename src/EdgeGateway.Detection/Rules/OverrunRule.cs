using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>overrun_top</c> (92) / <c>overrun_bottom</c> (91): stopped at the terminal floor after moving towards it,
/// with zone false ≥ 2 s; cleared by zone true. One instance per terminal.
/// </summary>
public sealed class OverrunRule : HeldConditionRule
{
    private readonly int _terminalFloor;
    private readonly TravelDirection _towardsTerminal;
    private readonly int _stoppedSpeed;
    private TravelDirection _lastTravel;

    private OverrunRule(EventType type, EventEmitter emitter, DetectionOptions options, int terminalFloor, TravelDirection towardsTerminal)
        : base(type, emitter, SignalMask.Floor | SignalMask.Run | SignalMask.Zone, controllerDerived: true, options.OverrunSeconds, 0)
    {
        _terminalFloor = terminalFloor;
        _towardsTerminal = towardsTerminal;
        _stoppedSpeed = options.StoppedSpeedMmS;
    }

    public static OverrunRule Top(EventEmitter emitter, DetectionOptions options, LiftProfile profile) =>
        new(EventType.OverrunTop, emitter, options, profile.HighestFloor, TravelDirection.Up);

    public static OverrunRule Bottom(EventEmitter emitter, DetectionOptions options, LiftProfile profile) =>
        new(EventType.OverrunBottom, emitter, options, profile.LowestFloor, TravelDirection.Down);

    /// <summary>The direction of the last movement seen ("after moving up"): <c>dir</c> where given, else the sign of the speed.</summary>
    protected override void Track(in RuleContext context)
    {
        if (!context.IsMoving)
        {
            return;
        }

        ref readonly var s = ref context.State;
        if (context.Knows(SignalMask.Dir) && s.Dir != TravelDirection.None)
        {
            _lastTravel = s.Dir;
        }
        else if (context.Knows(SignalMask.Speed) && Math.Abs(s.SpeedMmS) >= _stoppedSpeed)
        {
            _lastTravel = s.SpeedMmS > 0 ? TravelDirection.Up : TravelDirection.Down;
        }
    }

    protected override bool RaiseCondition(in RuleContext context) =>
        context.IsStopped && context.State.Floor == _terminalFloor && _lastTravel == _towardsTerminal && !context.State.Zone;

    protected override bool ClearCondition(in RuleContext context) => context.State.Zone;
}
