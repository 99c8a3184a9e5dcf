using System.Runtime.CompilerServices;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;

namespace EdgeGateway.Simulation.Lift;

/// <summary>What the simulated controller is doing.</summary>
internal enum ControllerPhase : byte
{
    /// <summary>At a landing, doors closed, deciding what to serve next.</summary>
    Idle,
    Opening,
    Dwell,
    Closing,

    /// <summary>Run given, brake lifting before the car moves.</summary>
    RunStart,
    Moving,

    /// <summary>Car at rest, brake dropping before run is withdrawn.</summary>
    RunStop,

    /// <summary>Safety circuit broken while moving: run withdrawn, the car decelerates on the brake or the safety gear.</summary>
    Braking,

    /// <summary>Out of normal service: a fault script commands the car.</summary>
    Halted,
}

/// <summary>A fault armed for the next trip.</summary>
internal enum TripTrigger : byte
{
    None,

    /// <summary>The drive stops the car between landings.</summary>
    MidShaftStop,

    /// <summary>The car arrives levelled but the controller halts with the doors closed.</summary>
    HaltOnArrival,

    /// <summary>The car stops 250 mm short of the landing.</summary>
    ShortStop,

    /// <summary>The car stops 250 mm beyond the landing.</summary>
    Overrun,

    /// <summary>Past cruise, the car keeps accelerating until the governor trips the safety gear.</summary>
    Runaway,

    /// <summary>The door is reported opening and the lock open during cruise.</summary>
    DoorGlitch,

    /// <summary>The lock contact opens briefly during cruise.</summary>
    LockBounce,

    /// <summary>The passenger holds the alarm button shortly after the start.</summary>
    AlarmPress,
}

public sealed partial class SimulatedLift
{
    private const int MaxPassengers = 16;
    private const double RunStartDelaySeconds = 0.3;
    private const double RunStopDelaySeconds = 0.3;
    private const double TransferSeconds = 1.0;
    private const double ReopenDwellSeconds = 1.5;

    /// <summary>
    /// The door stays closed at least this long before it may reopen: the controller confirms the lock before
    /// answering a new call, and a poll must be able to see the closed state between two door cycles.
    /// </summary>
    private const double DoorClosedSettleSeconds = 0.5;

    /// <summary>Distance a short stop or an overrun misses the landing by: well outside a ±75 mm door zone.</summary>
    private const double LevellingMissMetres = 0.25;

    /// <summary>Progressive safety gear deceleration: EN 81-20 5.6.2.1.5 requires 0.2–1 g on average with rated load.</summary>
    private const double SafetyGearDecelerationMs2 = Gravity;

    /// <summary>Governor tripping speed as a fraction of rated: EN 81-20 5.6.2.2.1 requires at least 115 %.</summary>
    private const double GovernorTripFraction = 1.3;

    private readonly Passenger[] _passengers;
    private readonly bool[] _ghostCalls;
    private int _riders;
    private int _waiting;
    private int _ghostCallCount;
    private long _nextArrivalMicros;
    private long _nextRandomAlarmMicros;
    private bool _alarmPressPending;

    private ControllerPhase _phase;
    private bool _scripted;
    private long _phaseUntil;
    private long _dwellUntil;
    private long _nextTransferMicros;
    private bool _reopening;
    private int _targetFloor;
    private bool _creepTrip;
    private bool _haltAfterStop;
    private long _haltedAtMicros = -1;
    private TravelDirection _commandDirection;
    private TravelDirection _lastDirection = TravelDirection.Up;
    private bool _run;

    private LiftMode _mode = LiftMode.Normal;
    private int _faultCode;
    private bool _safetyOpen;
    private bool _linkDown;
    private bool _mainsDown;
    private int? _floorOverride;
    private long _doorGlitchUntil;
    private long _lockOpenUntil;
    private long _alarmUntil;

    private TripTrigger _armedTrigger;
    private double _armedParameter;
    private TripTrigger _tripTrigger;
    private double _tripParameter;
    private bool _triggerFired;
    private long _triggerFiredAtMicros = -1;
    private bool _runaway;

    private enum PassengerState : byte
    {
        None,
        Waiting,
        Riding,
    }

    private struct Passenger
    {
        public PassengerState State;
        public int Origin;
        public int Destination;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GenerateTraffic()
    {
        var suspended = _faults.SuspendsTraffic;
        if (_now >= _nextArrivalMicros)
        {
            var origin = _building.LowestFloor + _random.NextInt(_building.FloorCount);
            var destination = _building.LowestFloor + _random.NextInt(_building.FloorCount - 1);
            if (destination >= origin)
            {
                destination++;
            }

            if (!suspended)
            {
                TrySpawnPassenger(origin, destination);
            }

            _nextArrivalMicros = NextGapMicros(_trafficMeanGapSeconds);
        }

        if (_now >= _nextRandomAlarmMicros)
        {
            _alarmPressPending = !suspended;
            _nextRandomAlarmMicros = NextGapMicros(_alarmMeanGapSeconds);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunController()
    {
        switch (_phase)
        {
            case ControllerPhase.Idle:
                DecideNext();
                break;

            case ControllerPhase.Opening:
                if (_door.State == DoorState.Open)
                {
                    _phase = ControllerPhase.Dwell;
                    _dwellUntil = _now + Micros(_reopening ? ReopenDwellSeconds : _doorOpenDwell);
                    _nextTransferMicros = _now + Micros(0.8);
                    if (_alarmPressPending && !_scripted)
                    {
                        // A press at a floor with the doors open: the brief's alarm filter exists for exactly this.
                        _alarmPressPending = false;
                        var hold = _random.NextDouble() < 0.5 ? 0.6 : 1.6;
                        _alarmUntil = _now + Micros(hold);
                        _dwellUntil = Math.Max(_dwellUntil, _alarmUntil + Micros(1.0));
                    }
                }

                break;

            case ControllerPhase.Dwell:
                if (_now >= _nextTransferMicros && TryTransferOne(NearestFloor(), evacuate: false))
                {
                    _nextTransferMicros = _now + Micros(TransferSeconds);
                    _dwellUntil = Math.Max(_dwellUntil, _now + Micros(TransferSeconds + 0.5));
                }
                else if (_now >= _dwellUntil)
                {
                    _door.Close();
                    _phase = ControllerPhase.Closing;
                }

                break;

            case ControllerPhase.Closing:
                if (_door.State == DoorState.Opening)
                {
                    // The light curtain reversed the door.
                    _reopening = true;
                    _phase = ControllerPhase.Opening;
                }
                else if (_door.State == DoorState.Closed)
                {
                    _phase = ControllerPhase.Idle;
                    _phaseUntil = _now + Micros(DoorClosedSettleSeconds);
                }

                break;

            case ControllerPhase.RunStart:
                if (_now >= _phaseUntil)
                {
                    BeginMotion();
                    _phase = ControllerPhase.Moving;
                }

                break;

            case ControllerPhase.Moving:
                if (_tripTrigger != TripTrigger.None)
                {
                    ApplyTripTrigger();
                }

                if (_motion == MotionMode.Stationary && _phase == ControllerPhase.Moving)
                {
                    _phase = ControllerPhase.RunStop;
                    _phaseUntil = _now + Micros(RunStopDelaySeconds);
                }

                break;

            case ControllerPhase.RunStop:
                if (_now >= _phaseUntil)
                {
                    _run = false;
                    _commandDirection = TravelDirection.None;
                    if (_haltAfterStop || _scripted)
                    {
                        EnterHalted();
                    }
                    else
                    {
                        StartOpening();
                    }
                }

                break;

            case ControllerPhase.Braking:
                if (_motion == MotionMode.Stationary)
                {
                    EnterHalted();
                }

                break;
        }
    }

    private void EnterHalted()
    {
        _phase = ControllerPhase.Halted;
        _scripted = true;
        _haltAfterStop = false;
        _haltedAtMicros = _now;
    }

    private void StartOpening()
    {
        _reopening = false;
        _door.Open();
        _phase = ControllerPhase.Opening;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecideNext()
    {
        if (_door.State != DoorState.Closed)
        {
            _door.Close();
            _phaseUntil = _now + Micros(DoorClosedSettleSeconds);
            return;
        }

        if (_now < _phaseUntil || _riders + _waiting + _ghostCallCount == 0)
        {
            // Nothing to serve: the common case of an idle lift, kept cheap for fast-forwarded weeks.
            return;
        }

        var here = NearestFloor();
        if (HasCallAt(here))
        {
            ClearLandingCall(here);
            StartOpening();
            return;
        }

        var target = NextCallInDirection(here, _lastDirection);
        if (target is null)
        {
            var reverse = _lastDirection == TravelDirection.Up ? TravelDirection.Down : TravelDirection.Up;
            target = NextCallInDirection(here, reverse);
        }

        if (target is { } floor)
        {
            StartTrip(floor, creep: false);
        }
    }

    private bool HasCallAt(int floor)
    {
        if (_ghostCalls[floor - _building.LowestFloor])
        {
            return true;
        }

        for (var i = 0; i < _passengers.Length; i++)
        {
            ref readonly var p = ref _passengers[i];
            if ((p.State == PassengerState.Waiting && p.Origin == floor) || (p.State == PassengerState.Riding && p.Destination == floor))
            {
                return true;
            }
        }

        return false;
    }

    private int? NextCallInDirection(int here, TravelDirection direction)
    {
        var step = direction == TravelDirection.Up ? 1 : -1;
        for (var floor = here + step; floor >= _building.LowestFloor && floor <= _building.HighestFloor; floor += step)
        {
            if (HasCallAt(floor))
            {
                return floor;
            }
        }

        return null;
    }

    private void StartTrip(int floor, bool creep)
    {
        _targetFloor = floor;
        _creepTrip = creep;
        ClearLandingCall(floor);
        _commandDirection = LandingPosition(floor) >= _position ? TravelDirection.Up : TravelDirection.Down;
        _lastDirection = _commandDirection;
        _run = true;
        _phase = ControllerPhase.RunStart;
        _phaseUntil = _now + Micros(RunStartDelaySeconds);

        _tripTrigger = _armedTrigger;
        _tripParameter = _armedParameter;
        _armedTrigger = TripTrigger.None;
        _triggerFired = false;
        _runaway = false;
        if (_tripTrigger is TripTrigger.HaltOnArrival or TripTrigger.ShortStop or TripTrigger.Overrun)
        {
            _haltAfterStop = true;
            MarkTriggerFired();
        }
    }

    private void BeginMotion()
    {
        var target = LandingPosition(_targetFloor);
        var sign = _commandDirection == TravelDirection.Up ? 1.0 : -1.0;
        if (_tripTrigger == TripTrigger.ShortStop)
        {
            target -= sign * LevellingMissMetres;
        }
        else if (_tripTrigger == TripTrigger.Overrun)
        {
            target += sign * LevellingMissMetres;
        }

        if (_creepTrip)
        {
            StartProfile(target, _inspectionSpeed, Math.Min(_maxAccel, 0.5));
        }
        else
        {
            StartProfile(target, _ratedSpeed, _maxAccel);
        }
    }

    private void MarkTriggerFired()
    {
        _triggerFired = true;
        _triggerFiredAtMicros = _now;
    }

    private void ApplyTripTrigger()
    {
        var elapsed = ProfileElapsedSeconds;
        var sign = _commandDirection == TravelDirection.Up ? 1.0 : -1.0;
        switch (_tripTrigger)
        {
            case TripTrigger.MidShaftStop when !_triggerFired:
                if (elapsed >= 0.35 * _profile.Duration && Math.Abs(_velocity) >= 0.3 && TryFindMidShaftStop(sign, out var deceleration))
                {
                    StartRamp(0, deceleration);
                    _haltAfterStop = true;
                    MarkTriggerFired();
                }

                break;

            case TripTrigger.Runaway when !_runaway:
                if (elapsed >= _profile.CruiseStart && _motion == MotionMode.Profile)
                {
                    // The drive loses control of the car: it keeps gaining speed past rated (EN 81-20 5.6.2.2.1 governor case).
                    _runaway = true;
                    StartRamp(sign * (GovernorTripFraction + 0.1) * _ratedSpeed, 0.3);
                    MarkTriggerFired();
                }

                break;

            case TripTrigger.Runaway:
                var speed = Math.Abs(_velocity);
                var stopDistance = speed * speed / (2 * SafetyGearDecelerationMs2);
                var stopAt = _position + (sign * stopDistance);
                var roomLeft = sign > 0 ? LandingPosition(_building.HighestFloor) - _position : _position;
                var nearTerminal = roomLeft < stopDistance + 1.0;
                if ((speed >= GovernorTripFraction * _ratedSpeed && DistanceToNearestLanding(stopAt) > 0.35) || nearTerminal)
                {
                    // Governor trips, the safety gear grips the rails and its switch opens the safety circuit.
                    _safetyOpen = true;
                    _faultCode = (int)_tripParameter;
                    _run = false;
                    _commandDirection = TravelDirection.None;
                    _haltAfterStop = true;
                    StartRamp(0, SafetyGearDecelerationMs2);
                    _phase = ControllerPhase.Braking;
                }

                break;

            case TripTrigger.DoorGlitch when !_triggerFired:
                if (elapsed >= Math.Min(_profile.CruiseStart, 0.4 * _profile.Duration))
                {
                    _doorGlitchUntil = _now + Micros(_tripParameter);
                    _lockOpenUntil = _doorGlitchUntil;
                    MarkTriggerFired();
                }

                break;

            case TripTrigger.LockBounce when !_triggerFired:
                if (elapsed >= Math.Min(_profile.CruiseStart, 0.4 * _profile.Duration))
                {
                    _lockOpenUntil = _now + Micros(_tripParameter);
                    MarkTriggerFired();
                }

                break;

            case TripTrigger.AlarmPress when !_triggerFired:
                if (elapsed >= 0.2)
                {
                    _alarmUntil = _now + Micros(_tripParameter);
                    MarkTriggerFired();
                }

                break;
        }
    }

    /// <summary>
    /// Picks a stop point 40 % of a floor past a landing ahead (well outside any door zone) that the car can reach at
    /// a drive-like deceleration of at most 1.2 m/s², before the trip's destination.
    /// </summary>
    private bool TryFindMidShaftStop(double sign, out double deceleration)
    {
        var speed = Math.Abs(_velocity);
        var target = LandingPosition(_targetFloor);
        var index = sign > 0 ? Math.Floor(_position / _floorHeight) : Math.Ceiling(_position / _floorHeight);
        for (var k = 0; k < _building.FloorCount; k++)
        {
            var landing = (index + (sign * k)) * _floorHeight;
            var candidate = landing + (sign * 0.4 * _floorHeight);
            var ahead = (candidate - _position) * sign;
            if (ahead <= 0)
            {
                continue;
            }

            if (ahead >= (target - _position) * sign)
            {
                break;
            }

            var needed = speed * speed / (2 * ahead);
            if (needed <= 1.2)
            {
                deceleration = needed;
                return true;
            }
        }

        deceleration = 0;
        return false;
    }

    private double DistanceToNearestLanding(double position)
    {
        var index = Math.Round(position / _floorHeight);
        return Math.Abs(position - (index * _floorHeight));
    }

    /// <summary>Moves one passenger through the open doors: a rider whose destination this is (or anyone when evacuating), else a waiting one.</summary>
    private bool TryTransferOne(int floor, bool evacuate)
    {
        for (var i = 0; i < _passengers.Length; i++)
        {
            ref var p = ref _passengers[i];
            if (p.State == PassengerState.Riding && (evacuate || p.Destination == floor))
            {
                p.State = PassengerState.None;
                _riders--;
                return true;
            }
        }

        if (evacuate)
        {
            return false;
        }

        for (var i = 0; i < _passengers.Length; i++)
        {
            ref var p = ref _passengers[i];
            if (p.State == PassengerState.Waiting && p.Origin == floor)
            {
                p.State = PassengerState.Riding;
                _waiting--;
                _riders++;
                return true;
            }
        }

        return false;
    }

    private bool TrySpawnPassenger(int origin, int destination)
    {
        for (var i = 0; i < _passengers.Length; i++)
        {
            ref var p = ref _passengers[i];
            if (p.State == PassengerState.None)
            {
                p.State = PassengerState.Waiting;
                p.Origin = origin;
                p.Destination = destination;
                _waiting++;
                return true;
            }
        }

        return false;
    }

    private static long Micros(double seconds) => (long)Math.Round(seconds * 1e6);

    // ---- The fault injector's handles on the controller (same assembly, cold paths). ----

    internal LiftProfile Building => _building;

    internal long SimulatedMicros => _now;

    internal int MainFloor => _mainFloor;

    internal DoorOperator Door => _door;

    internal ControllerPhase Phase => _phase;

    internal int TargetFloor => _targetFloor;

    internal int Riders => _riders;

    internal long HaltedAtMicros => _haltedAtMicros;

    internal long TriggerFiredAtMicros => _triggerFired ? _triggerFiredAtMicros : -1;

    internal bool IsStationary => _motion == MotionMode.Stationary;

    internal double PositionMetres => _position;

    /// <summary>In normal service, idle at a landing with the doors closed, nobody inside or waiting, no calls.</summary>
    internal bool IsIdleAndEmpty
    {
        get
        {
            if (_scripted || _phase != ControllerPhase.Idle || _door.State != DoorState.Closed || _motion != MotionMode.Stationary)
            {
                return false;
            }

            return _riders + _waiting + _ghostCallCount == 0;
        }
    }

    internal bool IsTripUnderwayTo(int floor) =>
        _phase is ControllerPhase.RunStart or ControllerPhase.Moving && _targetFloor == floor;

    internal void AddLandingCall(int floor)
    {
        ref var call = ref _ghostCalls[floor - _building.LowestFloor];
        if (!call)
        {
            call = true;
            _ghostCallCount++;
        }
    }

    private void ClearLandingCall(int floor)
    {
        ref var call = ref _ghostCalls[floor - _building.LowestFloor];
        if (call)
        {
            call = false;
            _ghostCallCount--;
        }
    }

    internal void SpawnPassenger(int origin, int destination) => TrySpawnPassenger(origin, destination);

    internal bool EvacuateOne() => TryTransferOne(NearestFloor(), evacuate: true);

    internal void Arm(TripTrigger trigger, double parameter)
    {
        _armedTrigger = trigger;
        _armedParameter = parameter;
        _triggerFired = false;
    }

    /// <summary>Takes the controller out of normal service where it stands (doors stay as they are).</summary>
    internal void Halt()
    {
        if (_phase is ControllerPhase.Idle or ControllerPhase.Opening or ControllerPhase.Dwell or ControllerPhase.Closing or ControllerPhase.Halted)
        {
            EnterHalted();
        }
    }

    /// <summary>Back to normal service: the dispatcher closes the doors if needed and serves calls again.</summary>
    internal void Resume()
    {
        _scripted = false;
        _haltAfterStop = false;
        _tripTrigger = TripTrigger.None;
        _armedTrigger = TripTrigger.None;
        _phase = ControllerPhase.Idle;
    }

    /// <summary>A trip commanded by a script while halted (inspection move, re-levelling, fire recall); ends halted.</summary>
    internal void CommandTrip(int floor, bool creep)
    {
        _tripTrigger = TripTrigger.None;
        _armedTrigger = TripTrigger.None;
        StartTrip(floor, creep);
    }

    /// <summary>The brake slips with run withdrawn: the car drifts at up to <paramref name="speed"/> m/s in <paramref name="direction"/>.</summary>
    internal void StartDrift(TravelDirection direction, double speed) =>
        StartRamp(direction == TravelDirection.Up ? speed : -speed, 0.3);

    internal void StopDrift(double deceleration) => StartRamp(0, deceleration);

    internal void SetMode(LiftMode mode) => _mode = mode;

    internal void SetFaultCode(int code) => _faultCode = code;

    internal void SetSafetyOpen(bool open) => _safetyOpen = open;

    internal void SetLinkDown(bool down) => _linkDown = down;

    internal void SetMainsDown(bool down) => _mainsDown = down;

    internal void SetFloorOverride(int? floor) => _floorOverride = floor;

    internal void PressAlarm(double seconds) => _alarmUntil = _now + Micros(seconds);
}
