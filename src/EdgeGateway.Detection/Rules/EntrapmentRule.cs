using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>entrapment</c> (11): occupied, stopped, door closed, not in inspection, for ≥ 30 s; at once when the alarm
/// button has been held ≥ 1 s in that state. Detail <c>between_floors</c> = not zone. Cleared when the door is not
/// closed, or occupied has been false ≥ 10 s.
/// </summary>
public sealed class EntrapmentRule : DetectionRule
{
    private HoldTimer _shutIn;
    private HoldTimer _alarmWhileShutIn;
    private HoldTimer _vacated;

    public EntrapmentRule(EventEmitter emitter, DetectionOptions options)
        : base(emitter, SignalMask.Occupied | SignalMask.Run | SignalMask.Door, controllerDerived: true)
    {
        _shutIn = new HoldTimer(Micros(options.EntrapmentSeconds));
        _alarmWhileShutIn = new HoldTimer(Micros(options.EntrapmentAlarmSeconds));
        _vacated = new HoldTimer(Micros(options.EntrapmentVacatedSeconds));
    }

    public bool Active { get; private set; }

    public override long NextDeadline => Active ? _vacated.Deadline : Math.Min(_shutIn.Deadline, _alarmWhileShutIn.Deadline);

    protected override void Run(in RuleContext context)
    {
        ref readonly var s = ref context.State;
        var now = context.NowMicros;
        if (!Active)
        {
            var shutIn = s.Occupied && context.IsStopped && s.Door == DoorState.Closed && s.Mode != LiftMode.Inspection;
            var alarmHeld = shutIn && context.Knows(SignalMask.Alarm) && s.Alarm;
            var byTime = _shutIn.Check(shutIn, now, out var atByTime);
            var byAlarm = _alarmWhileShutIn.Check(alarmHeld, now, out var atByAlarm);
            if (!byTime && !byAlarm)
            {
                return;
            }

            var at = byTime && byAlarm ? Math.Min(atByTime, atByAlarm) : byTime ? atByTime : atByAlarm;
            Active = true;
            _vacated.Reset();
            bool? betweenFloors = context.Knows(SignalMask.Zone) ? !s.Zone : null;
            Emit(EventType.Entrapment, EventPhase.Raised, at, in context, new EventDetail(BetweenFloors: betweenFloors));
        }

        if (s.Door != DoorState.Closed)
        {
            Clear(now, in context);
        }
        else if (_vacated.Check(!s.Occupied, now, out var vacatedAt))
        {
            Clear(vacatedAt, in context);
        }
    }

    private void Clear(long atMicros, in RuleContext context)
    {
        Active = false;
        _shutIn.Reset();
        _alarmWhileShutIn.Reset();
        _vacated.Reset();
        Emit(EventType.Entrapment, EventPhase.Cleared, atMicros, in context);
    }

    protected override void OnSuspended()
    {
        _shutIn.Reset();
        _alarmWhileShutIn.Reset();
        _vacated.Reset();
    }
}
