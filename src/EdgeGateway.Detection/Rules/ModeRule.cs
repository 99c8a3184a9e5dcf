using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>inspection</c> (43) raised when the mode becomes inspection and cleared when it leaves it; <c>mode_change</c> (40)
/// an instant for any other mode change, with detail from/to. The first mode seen is not a change (but a first mode of
/// inspection raises <c>inspection</c>: a technician is at the lift).
/// </summary>
public sealed class ModeRule(EventEmitter emitter) : DetectionRule(emitter, SignalMask.Mode, controllerDerived: true)
{
    private bool _seen;
    private LiftMode _reported;

    public bool InspectionActive { get; private set; }

    public override long NextDeadline => long.MaxValue;

    protected override void Run(in RuleContext context)
    {
        var mode = context.State.Mode;
        if (!_seen)
        {
            _seen = true;
            _reported = mode;
            if (mode == LiftMode.Inspection)
            {
                InspectionActive = true;
                Emit(EventType.Inspection, EventPhase.Raised, context.NowMicros, in context);
            }

            return;
        }

        if (mode == _reported)
        {
            return;
        }

        // Kept across link loss on purpose: a mode entered while the link was down is reported when it returns.
        var from = _reported;
        _reported = mode;
        if (from == LiftMode.Inspection)
        {
            InspectionActive = false;
            Emit(EventType.Inspection, EventPhase.Cleared, context.NowMicros, in context);
        }
        else if (mode == LiftMode.Inspection)
        {
            InspectionActive = true;
            Emit(EventType.Inspection, EventPhase.Raised, context.NowMicros, in context);
        }
        else
        {
            Emit(EventType.ModeChange, EventPhase.Instant, context.NowMicros, in context, new EventDetail(From: from, To: mode));
        }
    }

    protected override void OnSuspended()
    {
    }
}
