using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>safety_circuit_open</c> (1): safety false ≥ 0.5 s outside inspection; cleared by safety true ≥ 0.5 s.</summary>
public sealed class SafetyCircuitOpenRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.SafetyCircuitOpen, emitter, SignalMask.Safety, controllerDerived: true,
        options.SafetyCircuitOpenSeconds, options.SafetyCircuitClosedSeconds)
{
    // A technician working in inspection mode opens the safety chain on purpose (pit stop switch, car-top stop).
    protected override bool RaiseCondition(in RuleContext context) =>
        !context.State.Safety && context.State.Mode != LiftMode.Inspection;

    protected override bool ClearCondition(in RuleContext context) => context.State.Safety;
}
