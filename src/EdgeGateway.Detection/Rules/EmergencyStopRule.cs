using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Detection.Rules;

/// <summary>
/// <c>emergency_stop</c> (15, instant): the vertical acceleration, gravity removed and low-passed at 10 Hz, at or above
/// 2.5 m/s² in magnitude for ≥ 40 ms. The engine feeds accelerometer samples straight to <see cref="OnAcceleration"/>.
/// One event per incident: the rule re-arms once the filtered value has stayed below the threshold for
/// <see cref="DetectionOptions.EmergencyStopRearmSeconds"/>.
/// </summary>
public sealed class EmergencyStopRule : DetectionRule
{
    private readonly double _threshold;
    private readonly double _gravity;
    private readonly double _timeConstantSeconds;
    private readonly long _rearmMicros;
    private HoldTimer _above;
    private bool _filterPrimed;
    private double _filtered;
    private long _lastSampleMicros;
    private long _lastDtMicros = -1;
    private double _alpha;
    private bool _inIncident;
    private long _quietSinceMicros;
    private bool _quiet;

    public EmergencyStopRule(EventEmitter emitter, DetectionOptions options)
        : base(emitter, SignalMask.Acc, controllerDerived: false)
    {
        _threshold = options.EmergencyStopAccelerationMs2;
        _gravity = options.GravityMs2;
        // First-order low-pass: time constant RC = 1 / (2π fc).
        _timeConstantSeconds = 1.0 / (2 * Math.PI * options.EmergencyStopFilterHz);
        _rearmMicros = Micros(options.EmergencyStopRearmSeconds);
        _above = new HoldTimer(Micros(options.EmergencyStopSeconds));
    }

    /// <summary>The filtered vertical acceleration, gravity removed (m/s²).</summary>
    public double Filtered => _filtered;

    public override long NextDeadline => _above.Deadline;

    public void OnAcceleration(in RuleContext context)
    {
        var now = context.NowMicros;
        var z = context.State.AccZ - _gravity;
        if (!_filterPrimed)
        {
            _filterPrimed = true;
            _filtered = z;
        }
        else
        {
            var dt = now - _lastSampleMicros;
            if (dt != _lastDtMicros)
            {
                // Recomputed only when the sampling interval changes (a steady accelerometer rate costs no division).
                var dtSeconds = dt / 1_000_000.0;
                _alpha = dtSeconds / (_timeConstantSeconds + dtSeconds);
                _lastDtMicros = dt;
            }

            _filtered += _alpha * (z - _filtered);
        }

        _lastSampleMicros = now;
        var above = Math.Abs(_filtered) >= _threshold;
        if (_inIncident)
        {
            if (above)
            {
                _quiet = false;
            }
            else if (!_quiet)
            {
                _quiet = true;
                _quietSinceMicros = now;
            }
            else if (now - _quietSinceMicros >= _rearmMicros)
            {
                _inIncident = false;
            }
        }

        Run(in context);
    }

    protected override void Run(in RuleContext context)
    {
        if (!_filterPrimed)
        {
            return;
        }

        var above = !_inIncident && Math.Abs(_filtered) >= _threshold;
        if (_above.Check(above, context.NowMicros, out var at))
        {
            _inIncident = true;
            _quiet = false;
            Emit(EventType.EmergencyStop, EventPhase.Instant, at, in context);
        }
    }

    protected override void OnSuspended() => _above.Reset();
}
