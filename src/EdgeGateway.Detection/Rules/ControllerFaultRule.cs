using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary><c>controller_fault</c> (8): fault ≠ 0 ≥ 1 s, detail carries the code; cleared by fault = 0.</summary>
public sealed class ControllerFaultRule(EventEmitter emitter, DetectionOptions options)
    : HeldConditionRule(EventType.ControllerFault, emitter, SignalMask.Fault, controllerDerived: true,
        options.ControllerFaultSeconds, 0)
{
    protected override bool RaiseCondition(in RuleContext context) => context.State.Fault != 0;

    protected override bool ClearCondition(in RuleContext context) => context.State.Fault == 0;

    protected override EventDetail RaiseDetail(in RuleContext context) => new(Code: context.State.Fault);
}
