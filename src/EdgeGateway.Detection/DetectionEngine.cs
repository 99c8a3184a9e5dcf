using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.Rules;

namespace EdgeGateway.Detection;

/// <summary>
/// The event catalogue as one deterministic state machine: feed it samples in time order (<see cref="Process"/>)
/// and tell it when time passes without samples (<see cref="AdvanceTo"/>); it hands events to the sink at the exact
/// end of each hold. Single-threaded (the hot loop or a replay owns it) and allocation-free per sample in steady state.
/// The same class runs live and in replay, so a replayed recording gives the live run's events.
/// </summary>
public sealed class DetectionEngine
{
    private readonly DetectionRule[] _rules;
    private readonly EmergencyStopRule _emergencyStop;
    private readonly SensorFaultTracker _sensorFaults;
    private readonly int _stoppedSpeed;
    private IDetectionStage[] _stages;
    private LiftState _state;
    private long _nowMicros = long.MinValue;
    private long _nextDeadline = long.MaxValue;
    private Motion _motion;
    private bool _controllerLive = true;

    public DetectionEngine(LiftProfile profile, DetectionOptions options, IEventSink sink, IEnumerable<IDetectionStage>? stages = null)
    {
        Profile = profile;
        Options = options;
        Emitter = new EventEmitter(sink, options.Enabled);
        _stoppedSpeed = options.StoppedSpeedMmS;
        _emergencyStop = new EmergencyStopRule(Emitter, options);
        _sensorFaults = new SensorFaultTracker(Emitter);
        // Evaluation order is fixed, so events at the same instant always come out in the same order.
        _rules =
        [
            new ModeRule(Emitter),
            new LinkLostRule(Emitter, options),
            new PowerLossRule(Emitter, options),
            new SafetyCircuitOpenRule(Emitter, options),
            new ControllerFaultRule(Emitter, options),
            new FloorPositionLostRule(Emitter, options, profile),
            new OverspeedRule(Emitter, options, profile),
            _emergencyStop,
            new DoorOpenWhileRunningRule(Emitter, options),
            new DoorLockCircuitOpenRule(Emitter, options),
            new UnintendedMovementRule(Emitter, options),
            new DoorCloseFailureRule(Emitter, options),
            new DoorOpenFailureRule(Emitter, options),
            OverrunRule.Top(Emitter, options, profile),
            OverrunRule.Bottom(Emitter, options, profile),
            new StoppedOutsideDoorZoneRule(Emitter, options),
            new EntrapmentRule(Emitter, options),
            new AlarmButtonRule(Emitter, options),
        ];
        _stages = stages is null ? [] : [.. stages];
        Emitter.SetStages(_stages);
    }

    public LiftProfile Profile { get; }

    public DetectionOptions Options { get; }

    public EventEmitter Emitter { get; }

    /// <summary>Last known value of every signal.</summary>
    public ref readonly LiftState State => ref _state;

    /// <summary>The engine's time: the latest sample or <see cref="AdvanceTo"/> time (monotonic µs).</summary>
    public long NowMicros => _nowMicros;

    public long SamplesProcessed { get; private set; }

    /// <summary>When the next hold ends (monotonic µs), or <see cref="long.MaxValue"/>: the live loop wakes up for it.</summary>
    public long NextDeadlineMicros => _nextDeadline;

    public IReadOnlyList<string> FaultySensors => _sensorFaults.FaultySensors;

    public IReadOnlyList<IDetectionStage> Stages => _stages;

    /// <summary>Adds a stage after the existing ones (set-up time only: not while samples flow).</summary>
    public void AddStage(IDetectionStage stage)
    {
        _stages = [.. _stages, stage];
        Emitter.SetStages(_stages);
    }

    /// <summary>
    /// Applies one sample. A sample stamped earlier than the engine's time (a producer raced the clock) is taken
    /// at the engine's time, so events never go back in time.
    /// </summary>
    public void Process(in LiftSample sample)
    {
        var now = sample.TimeMicros;
        if (now < _nowMicros)
        {
            now = _nowMicros;
        }

        if (now >= _nextDeadline)
        {
            FireDueTimers(now);
        }

        _nowMicros = now;
        var changed = _state.Apply(in sample);
        SamplesProcessed++;
        if ((changed & SignalMask.AllDiscrete) != 0)
        {
            _motion = RuleContext.MotionOf(in _state, _stoppedSpeed);
            _controllerLive = !_state.IsKnown(SignalMask.Link) || _state.Link;
            var context = new RuleContext(now, in _state, _motion, _controllerLive, _stoppedSpeed);
            var next = long.MaxValue;
            var rules = _rules;
            for (var i = 0; i < rules.Length; i++)
            {
                var rule = rules[i];
                if (rule != _emergencyStop)
                {
                    rule.Evaluate(in context);
                }

                next = Math.Min(next, rule.NextDeadline);
            }

            _nextDeadline = next;
        }

        if ((changed & SignalMask.Acc) != 0)
        {
            var context = new RuleContext(now, in _state, _motion, _controllerLive, _stoppedSpeed);
            _emergencyStop.OnAcceleration(in context);
            // A stale, earlier deadline is harmless (the next pass finds nothing due and recomputes).
            _nextDeadline = Math.Min(_nextDeadline, _emergencyStop.NextDeadline);
        }

        // A hold of zero ends at once.
        if (now >= _nextDeadline)
        {
            FireDueTimers(now);
        }

        var stages = _stages;
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i].OnSample(in sample, in _state, changed);
        }
    }

    /// <summary>Time passed without samples: fires every hold that ended by <paramref name="timeMicros"/>, each at its own end.</summary>
    public void AdvanceTo(long timeMicros)
    {
        if (timeMicros < _nowMicros)
        {
            return;
        }

        if (timeMicros >= _nextDeadline)
        {
            FireDueTimers(timeMicros);
        }

        _nowMicros = timeMicros;
        var stages = _stages;
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i].AdvanceTo(timeMicros, in _state);
        }
    }

    /// <summary>A sensor stopped answering or reports impossible values (<paramref name="problem"/>), or is healthy again (null).</summary>
    public void ReportSensorHealth(long timeMicros, string sensor, string? problem)
    {
        AdvanceTo(timeMicros);
        _sensorFaults.Report(Math.Max(timeMicros, _nowMicros), in _state, sensor, problem);
    }

    private void FireDueTimers(long untilMicros)
    {
        var rules = _rules;
        while (_nextDeadline <= untilMicros)
        {
            // Holds end in time order; the state is constant between samples, so each rule is evaluated at its own deadline.
            var at = _nextDeadline;
            _nowMicros = at;
            var context = new RuleContext(at, in _state, _motion, _controllerLive, _stoppedSpeed);
            var next = long.MaxValue;
            for (var i = 0; i < rules.Length; i++)
            {
                var rule = rules[i];
                if (rule.NextDeadline <= at)
                {
                    rule.Evaluate(in context);
                }

                next = Math.Min(next, rule.NextDeadline);
            }

            _nextDeadline = next;
        }
    }
}
