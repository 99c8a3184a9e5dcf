using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>alarm_button</c> (90, instant): the car alarm button held ≥ 1 s, unless filtered (car stopped in the door zone with
/// the door open: the passenger can walk out; EN 81-28 allows delay "only by filtering"). Once per press.
/// The button is a box input, so the rule runs during link loss; the filter then cannot be trusted and is not applied.
/// </summary>
public sealed class AlarmButtonRule(EventEmitter emitter, DetectionOptions options)
    : DetectionRule(emitter, SignalMask.Alarm, controllerDerived: false)
{
    private HoldTimer _held = new(Micros(options.AlarmButtonSeconds));
    private bool _reportedThisPress;

    public override long NextDeadline => _held.Deadline;

    protected override void Run(in RuleContext context)
    {
        if (!context.State.Alarm)
        {
            _reportedThisPress = false;
            _held.Reset();
            return;
        }

        if (_reportedThisPress)
        {
            return;
        }

        if (_held.Check(!IsFiltered(in context), context.NowMicros, out var at))
        {
            _reportedThisPress = true;
            Emit(EventType.AlarmButton, EventPhase.Instant, at, in context);
        }
    }

    private static bool IsFiltered(in RuleContext context) =>
        context.ControllerLive && context.Knows(SignalMask.Run | SignalMask.Zone | SignalMask.Door) &&
        context.IsStopped && context.State.Zone && context.State.Door == DoorState.Open;

    protected override void OnSuspended() => _held.Reset();
}
