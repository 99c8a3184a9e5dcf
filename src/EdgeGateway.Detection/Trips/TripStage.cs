using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;

namespace EdgeGateway.Detection.Trips;

/// <summary>
/// Cuts the sample stream into trips (stopped → moving → stopped) and measures each trip's ride quality.
/// "Stopped" is run false and, where speed is known, abs(speed) below <see cref="DetectionOptions.StoppedSpeedMmS"/>;
/// "moving" is run true or abs(speed) at or above it (domain brief, "Normalised signals").
/// A detection stage: hot-loop thread only, allocation-free per sample.
/// </summary>
/// <remarks>
/// Controller data is stale while <c>link</c> is false, so a trip in progress when the link drops is abandoned, and
/// no trip starts until the car has been seen stopped again (the same holds at start-up: a trip needs a known start).
/// </remarks>
public sealed class TripStage : IDetectionStage
{
    private const SignalMask Relevant = SignalMask.Run | SignalMask.Speed | SignalMask.Link | SignalMask.Floor | SignalMask.Dir | SignalMask.Mode | SignalMask.Zone;

    private readonly ITripSink[] _sinks;
    private readonly RideQualityMeter _meter;
    private readonly int _stoppedSpeedMmS;
    private readonly int _relevellingMaxSpeedMmS;
    private readonly int _floorHeightMm;

    private Phase _phase = Phase.Unknown;
    private long _startMicros;
    private int? _fromFloor;
    private bool _startZone;
    private LiftMode _startMode;
    private TravelDirection _direction;
    private int _maxSpeed;
    private int _signedTopSpeed;
    private bool _speedSeen;
    private long _lastSpeedMicros;
    private int _lastSpeed;
    private double _distanceMm;

    public TripStage(DetectionContext context, TripOptions tripOptions, RideQualityOptions rideQualityOptions, IEnumerable<ITripSink> sinks)
    {
        _sinks = [.. sinks];
        _stoppedSpeedMmS = context.Options.StoppedSpeedMmS;
        _relevellingMaxSpeedMmS = context.Options.RelevellingMaxSpeedMmS;
        _floorHeightMm = tripOptions.FloorHeightMm;
        _meter = new RideQualityMeter(rideQualityOptions, context.Options.GravityMs2);
    }

    private enum Phase : byte
    {
        /// <summary>Not yet seen stopped (start-up, or after the link came back).</summary>
        Unknown,
        Stopped,
        Moving,
    }

    public bool IsMoving => _phase == Phase.Moving;

    /// <summary>Trips completed since start.</summary>
    public long TripCount { get; private set; }

    /// <summary>Trips abandoned because the controller link dropped during them.</summary>
    public long AbandonedTrips { get; private set; }

    public RideQualityMeter RideQuality => _meter;

    public void OnSample(in LiftSample sample, in LiftState state, SignalMask changed)
    {
        if (sample.Set == SignalMask.Acc)
        {
            _meter.OnAcceleration(sample.TimeMicros, sample.AccZ);
            return;
        }

        if ((changed & Relevant) == 0)
        {
            return;
        }

        var t = sample.TimeMicros;
        if (state.IsKnown(SignalMask.Link) && !state.Link)
        {
            if (_phase == Phase.Moving)
            {
                AbandonedTrips++;
                _meter.EndTrip(t, TravelDirection.None);
            }

            _phase = Phase.Unknown;
            return;
        }

        var speedKnown = state.IsKnown(SignalMask.Speed);
        if (!speedKnown && !state.IsKnown(SignalMask.Run))
        {
            return;
        }

        var speed = Math.Abs(state.SpeedMmS);
        var moving = state.Run || (speedKnown && speed >= _stoppedSpeedMmS);
        switch (_phase)
        {
            case Phase.Unknown:
                if (!moving)
                {
                    _phase = Phase.Stopped;
                }

                break;
            case Phase.Stopped:
                if (moving)
                {
                    Begin(t, state, speedKnown);
                }

                break;
            default:
                Track(t, state, changed, speedKnown);
                if (!moving)
                {
                    End(t, state, speedKnown);
                }

                break;
        }
    }

    public void AdvanceTo(long timeMicros, in LiftState state)
    {
        // Trips end on a sample (run or speed changes); the passage of time alone changes nothing.
    }

    public void OnEvent(in LiftEvent liftEvent)
    {
        // Trips depend on signals only.
    }

    private void Begin(long t, in LiftState state, bool speedKnown)
    {
        _phase = Phase.Moving;
        _startMicros = t;
        _fromFloor = state.IsKnown(SignalMask.Floor) ? state.Floor : null;
        _startZone = state.IsKnown(SignalMask.Zone) && state.Zone;
        _startMode = state.Mode;
        _direction = state.Dir;
        _maxSpeed = speedKnown ? Math.Abs(state.SpeedMmS) : 0;
        _signedTopSpeed = speedKnown ? state.SpeedMmS : 0;
        _speedSeen = speedKnown;
        _lastSpeedMicros = t;
        _lastSpeed = speedKnown ? Math.Abs(state.SpeedMmS) : 0;
        _distanceMm = 0;
        _meter.BeginTrip(t, speedKnown, state.SpeedMmS);
    }

    private void Track(long t, in LiftState state, SignalMask changed, bool speedKnown)
    {
        if (_direction == TravelDirection.None && state.Dir != TravelDirection.None)
        {
            _direction = state.Dir;
        }

        if (speedKnown && (changed & SignalMask.Speed) != 0)
        {
            // Speed holds its last value until the next update (edge-trace/1), so the exact integral is a sum of rectangles.
            _distanceMm += _lastSpeed * ((t - _lastSpeedMicros) / 1_000_000.0);
            _lastSpeed = Math.Abs(state.SpeedMmS);
            _lastSpeedMicros = t;
            _speedSeen = true;
            if (_lastSpeed > _maxSpeed)
            {
                _maxSpeed = _lastSpeed;
                _signedTopSpeed = state.SpeedMmS;
            }

            _meter.OnSpeed(t, state.SpeedMmS);
        }
    }

    private void End(long t, in LiftState state, bool speedKnown)
    {
        _phase = Phase.Stopped;
        int? toFloor = state.IsKnown(SignalMask.Floor) ? state.Floor : null;
        bool? levelled = state.IsKnown(SignalMask.Zone) ? state.Zone : null;
        var direction = _direction;
        if (direction == TravelDirection.None && _fromFloor is { } from && toFloor is { } to && from != to)
        {
            direction = to > from ? TravelDirection.Up : TravelDirection.Down;
        }

        if (direction == TravelDirection.None && _signedTopSpeed != 0)
        {
            direction = _signedTopSpeed > 0 ? TravelDirection.Up : TravelDirection.Down;
        }

        long distance;
        if (_speedSeen)
        {
            distance = (long)Math.Round(_distanceMm + (_lastSpeed * ((t - _lastSpeedMicros) / 1_000_000.0)));
        }
        else
        {
            distance = _fromFloor is { } f && toFloor is { } g ? (long)Math.Abs(g - f) * _floorHeightMm : 0;
        }

        var relevelling = _startZone && levelled == true && _fromFloor == toFloor
            && (!_speedSeen || _maxSpeed <= _relevellingMaxSpeedMmS);
        var ride = _meter.EndTrip(t, direction);
        var trip = new TripRecord(
            _startMicros,
            t,
            _fromFloor,
            toFloor,
            direction,
            speedKnown || _speedSeen ? _maxSpeed : null,
            levelled,
            relevelling ? TripKind.Relevelling : TripKind.Run,
            _startMode,
            state.Mode,
            distance,
            ride);
        TripCount++;
        foreach (var sink in _sinks)
        {
            sink.OnTrip(in trip);
        }
    }
}
