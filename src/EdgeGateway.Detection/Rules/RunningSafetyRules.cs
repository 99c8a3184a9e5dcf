using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>door_open_while_running</c> (12): run true and the door not closed ≥ 0.3 s, except while re-levelling;
/// cleared by door closed or run false.
/// </summary>
public sealed class DoorOpenWhileRunningRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.DoorOpenWhileRunning, emitter, SignalMask.Run | SignalMask.Door, controllerDerived: true,
        options.DoorOpenWhileRunningSeconds, 0)
{
    private readonly int _relevellingMaxSpeed = options.RelevellingMaxSpeedMmS;

    protected override bool RaiseCondition(in RuleContext context) =>
        context.State.Run && context.State.Door != DoorState.Closed && !IsRelevelling(in context, _relevellingMaxSpeed);

    protected override bool ClearCondition(in RuleContext context) =>
        context.State.Door == DoorState.Closed || !context.State.Run;
}

/// <summary>
/// <c>door_lock_circuit_open</c> (13): run true and lock false ≥ 0.3 s, except while re-levelling;
/// cleared by lock true or run false.
/// </summary>
public sealed class DoorLockCircuitOpenRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.DoorLockCircuitOpen, emitter, SignalMask.Run | SignalMask.Lock, controllerDerived: true,
        options.LockOpenWhileRunningSeconds, 0)
{
    private readonly int _relevellingMaxSpeed = options.RelevellingMaxSpeedMmS;

    protected override bool RaiseCondition(in RuleContext context) =>
        context.State.Run && !context.State.Lock && !IsRelevelling(in context, _relevellingMaxSpeed);

    protected override bool ClearCondition(in RuleContext context) => context.State.Lock || !context.State.Run;
}
