using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>overspeed</c> (14): abs(speed) &gt; 1.15 × rated ≥ 0.5 s; cleared by abs(speed) ≤ rated ≥ 1 s.</summary>
public sealed class OverspeedRule(EventEmitter emitter, DetectionOptions options, LiftProfile profile)
    : HeldConditionRule(EventType.Overspeed, emitter, SignalMask.Speed, controllerDerived: true,
        options.OverspeedSeconds, options.OverspeedClearSeconds)
{
    private readonly double _tripSpeed = options.OverspeedFactor * profile.RatedSpeedMmS;
    private readonly int _ratedSpeed = profile.RatedSpeedMmS;

    protected override bool RaiseCondition(in RuleContext context) => context.AbsSpeed > _tripSpeed;

    protected override bool ClearCondition(in RuleContext context) => context.AbsSpeed <= _ratedSpeed;
}
