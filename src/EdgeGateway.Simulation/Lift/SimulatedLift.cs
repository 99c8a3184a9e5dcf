using System.Runtime.CompilerServices;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Faults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Simulation.Lift;

/// <summary>
/// A deterministic simulated lift: a building, a car with jerk-limited trips, a door operator, passengers, the
/// box's inputs, an accelerometer, and injected faults. It advances in simulated time on a fixed physics step and
/// writes the normalised signals of the domain brief as <see cref="LiftSample"/>s: one discrete sample carrying the
/// changed signals whenever any changes (controller signals refreshed every controller tick, box inputs every step),
/// and accelerometer samples at the configured rate. Same options and seed → the same sample stream.
/// Stepping is single-threaded and allocation-free; <see cref="Snapshot"/> may be read from any thread.
/// </summary>
public sealed partial class SimulatedLift
{
    private const double Gravity = LiftSnapshot.Gravity;

    private readonly LiftProfile _building;
    private readonly ILogger _logger;
    private readonly long _stepMicros;
    private readonly long _tickMicros;
    private readonly double _dt;
    private readonly double _floorHeight;
    private readonly double _zoneHalfWidth;
    private readonly double _ratedSpeed;
    private readonly double _maxAccel;
    private readonly double _jerk;
    private readonly double _inspectionSpeed;
    private readonly double _doorOpenDwell;
    private readonly double _trafficMeanGapSeconds;
    private readonly double _alarmMeanGapSeconds;
    private readonly int _accelerometerHz;
    private readonly double _accelerometerNoise;
    private readonly int _mainFloor;
    private readonly DoorOperator _door;
    private readonly FaultInjector _faults;
    private readonly Lock _snapshotLock = new();

    private DeterministicRandom _random;
    private DeterministicRandom _noise;
    private SignalMask _emit;
    private long _origin;
    private long _now;
    private bool _started;

    // Emission: the controller's signals as last latched on a controller tick, and the last sample written.
    private LiftSample _controllerView;
    private LiftSample _lastEmitted;
    private bool _emittedFirst;
    private long _nextTick;
    private long _accelIndex;
    private long _nextAccelMicros;
    private long _writeFailures;

    private LiftSnapshot _snapshot;

    /// <param name="profile">The gateway's lift profile; the options' floors and rated speed override it.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (every problem is listed).</exception>
    public SimulatedLift(LiftProfile profile, SimulationOptions options, ILogger? logger = null)
    {
        var validation = new SimulationOptionsValidator(profile).Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(SimulationOptions.SectionName, typeof(SimulationOptions), validation.Failures);
        }

        _building = options.ResolveProfile(profile);
        _logger = logger ?? NullLogger.Instance;
        _stepMicros = options.StepMillis * 1000L;
        _tickMicros = options.ControllerTickMillis * 1000L;
        _dt = _stepMicros / 1e6;
        _floorHeight = options.FloorHeightMm / 1000.0;
        _zoneHalfWidth = options.DoorZoneHalfWidthMm / 1000.0;
        _ratedSpeed = _building.RatedSpeedMmS / 1000.0;
        _maxAccel = options.AccelerationMs2;
        _jerk = options.JerkMs3;
        _inspectionSpeed = Math.Min(options.InspectionSpeedMmS / 1000.0, _ratedSpeed);
        _doorOpenDwell = options.DoorOpenSeconds;
        _trafficMeanGapSeconds = options.TrafficCallsPerHour > 0 ? 3600 / options.TrafficCallsPerHour : double.PositiveInfinity;
        _alarmMeanGapSeconds = options.AlarmPressesPerHour > 0 ? 3600 / options.AlarmPressesPerHour : double.PositiveInfinity;
        _accelerometerHz = options.AccelerometerHz;
        _accelerometerNoise = options.AccelerometerNoiseMs2;
        _mainFloor = options.ResolveMainFloor(_building);
        _emit = options.EmitSignals;
        _door = new DoorOperator(options.DoorOpeningSeconds, options.DoorClosingSeconds);
        _random = new DeterministicRandom(options.Seed);
        _noise = new DeterministicRandom(options.Seed ^ 0x5DEECE66DL);
        _passengers = new Passenger[MaxPassengers];
        _ghostCalls = new bool[_building.FloorCount];

        _position = LandingPosition(_mainFloor);
        _nextArrivalMicros = NextGapMicros(_trafficMeanGapSeconds);
        _nextRandomAlarmMicros = NextGapMicros(_alarmMeanGapSeconds);
        // The first accelerometer sample follows the t = 0 line that sets every signal, as in edge-trace/1's example.
        _accelIndex = 1;
        _nextAccelMicros = _accelerometerHz > 0 ? 1_000_000L / _accelerometerHz : long.MaxValue;

        _faults = new FaultInjector(this, _logger);
        if (options.Scenario == SimulationScenario.Demo)
        {
            _faults.Schedule(FaultKind.Entrapment, TimeSpan.FromSeconds(options.DemoEntrapmentAtSeconds));
        }

        for (var i = 0; i < options.Faults.Count; i++)
        {
            var fault = options.Faults[i];
            FaultCatalogue.TryGet(fault.Fault, out var definition);
            _faults.Schedule(definition.Kind, TimeSpan.FromSeconds(fault.AtSeconds), fault);
        }

        _controllerView = CurrentSignals(0);
        _snapshot = BuildSnapshot();
    }

    /// <summary>The simulated building: floors and rated speed (give detection this same profile).</summary>
    public LiftProfile Profile => _building;

    /// <summary>Scheduling and history of injected faults.</summary>
    public FaultInjector Faults => _faults;

    /// <summary>Time of the latest simulated instant, in the samples' time base (microseconds).</summary>
    public long NowMicros => _origin + _now;

    /// <summary>Simulated time elapsed since the start.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(_now * 10);

    /// <summary>True once the first sample has been written; <see cref="TimeOriginMicros"/> and <see cref="EmitSignals"/> are fixed from then on.</summary>
    public bool HasStarted => _started;

    /// <summary>How many samples the writer refused (its queue was full).</summary>
    public long WriteFailures => _writeFailures;

    /// <summary>
    /// The signals this simulator writes itself; others are left to bridges (simulated GPIO, Modbus) that present
    /// <see cref="Snapshot"/> through the real acquisition path. Settable until the first step.
    /// </summary>
    public SignalMask EmitSignals
    {
        get => _emit;
        set
        {
            ThrowIfStarted();
            _emit = value;
        }
    }

    /// <summary>
    /// The time of the first sample in the caller's time base (e.g. <see cref="Core.Time.MonotonicClock.NowMicros"/>
    /// when the simulation starts). Settable until the first step; default 0.
    /// </summary>
    public long TimeOriginMicros
    {
        get => _origin;
        set
        {
            ThrowIfStarted();
            _origin = value;
            _controllerView = CurrentSignals(_origin);
            PublishSnapshot();
        }
    }

    /// <summary>The state as of the end of the last <see cref="Step"/>, <see cref="RunFor"/> or <see cref="AdvanceTo"/> call. Thread-safe.</summary>
    public LiftSnapshot Snapshot
    {
        get
        {
            lock (_snapshotLock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>The physics step (default 5 ms).</summary>
    public TimeSpan StepSize => TimeSpan.FromTicks(_stepMicros * 10);

    /// <summary>Advances one physics step, writing the samples it produces.</summary>
    public void Step(ISampleWriter writer)
    {
        StepCore(writer);
        PublishSnapshot();
    }

    /// <summary>Advances by <paramref name="duration"/> of simulated time (whole steps), writing the samples produced.</summary>
    public void RunFor(TimeSpan duration, ISampleWriter writer)
    {
        EnsureStarted(writer);
        var end = _now + (duration.Ticks / 10);
        while (_now + _stepMicros <= end)
        {
            StepCore(writer);
        }

        PublishSnapshot();
    }

    /// <summary>Advances to <paramref name="timeMicros"/> in the samples' time base (whole steps), writing the samples produced.</summary>
    public void AdvanceTo(long timeMicros, ISampleWriter writer)
    {
        EnsureStarted(writer);
        var end = timeMicros - _origin;
        while (_now + _stepMicros <= end)
        {
            StepCore(writer);
        }

        PublishSnapshot();
    }

    private void ThrowIfStarted()
    {
        if (_started)
        {
            throw new InvalidOperationException("The simulation has already started.");
        }
    }

    /// <summary>The first sample, at the time origin, sets every emitted signal.</summary>
    private void EnsureStarted(ISampleWriter writer)
    {
        if (!_started)
        {
            _started = true;
            _nextTick = _tickMicros;
            EmitDiscrete(writer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepCore(ISampleWriter writer)
    {
        EnsureStarted(writer);
        var previous = _now;
        _now += _stepMicros;

        _faults.Tick();
        GenerateTraffic();
        RunController();
        _door.Step(_dt);
        RunMotion();

        if (_nextAccelMicros <= _now)
        {
            EmitAccelerometer(writer, previous);
        }

        var ticked = _now >= _nextTick;
        if (ticked)
        {
            _nextTick += _tickMicros;
            LatchControllerView();
        }

        EmitDiscrete(writer, ticked);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitAccelerometer(ISampleWriter writer, long previous)
    {
        var emit = (_emit & SignalMask.Acc) != 0;
        while (_nextAccelMicros <= _now)
        {
            if (_nextAccelMicros > previous && emit)
            {
                var x = (float)(_accelerometerNoise * _noise.NextGaussian());
                var y = (float)(_accelerometerNoise * _noise.NextGaussian());
                var z = (float)(Gravity + _acceleration + (_accelerometerNoise * _noise.NextGaussian()));
                Write(writer, LiftSample.Acceleration(_origin + _nextAccelMicros, x, y, z));
            }

            _accelIndex++;
            _nextAccelMicros = _accelIndex * 1_000_000L / _accelerometerHz;
        }
    }

    /// <summary>Refreshes the controller's signals as a poll would see them; while the link is down they stay stale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LatchControllerView()
    {
        var current = CurrentSignals(_origin + _now);
        _controllerView = current.Link ? current : _controllerView with { Link = false };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitDiscrete(ISampleWriter writer, bool controllerTicked = true)
    {
        // Between controller ticks only the box inputs can change: compare those four and return early, which is
        // what keeps a fast-forwarded week cheap.
        var zone = InDoorZone();
        var occupied = _riders > 0;
        var alarm = _alarmUntil > _now;
        var mains = !_mainsDown;
        SignalMask changed;
        if (!_emittedFirst)
        {
            _emittedFirst = true;
            changed = SignalMask.AllDiscrete;
        }
        else
        {
            changed = SignalMask.None;
            if (zone != _lastEmitted.Zone) { changed |= SignalMask.Zone; }
            if (occupied != _lastEmitted.Occupied) { changed |= SignalMask.Occupied; }
            if (alarm != _lastEmitted.Alarm) { changed |= SignalMask.Alarm; }
            if (mains != _lastEmitted.Mains) { changed |= SignalMask.Mains; }
            if (controllerTicked)
            {
                changed |= ControllerDifference(in _lastEmitted, in _controllerView);
            }

            if (changed == SignalMask.None)
            {
                return;
            }
        }

        var view = _controllerView;
        var candidate = new LiftSample(
            _origin + _now, SignalMask.None, view.Mode, view.Floor, view.Dir, view.Run, view.Door, view.Lock, view.Safety, view.Fault,
            view.SpeedMmS, view.Link, zone, occupied, alarm, mains, 0, 0, 0);
        _lastEmitted = candidate;
        changed &= _emit & SignalMask.AllDiscrete;
        if (changed != SignalMask.None)
        {
            Write(writer, candidate with { Set = changed });
        }
    }

    private void Write(ISampleWriter writer, in LiftSample sample)
    {
        if (!writer.TryWrite(in sample))
        {
            _writeFailures++;
        }
    }

    private static SignalMask ControllerDifference(in LiftSample a, in LiftSample b)
    {
        var mask = SignalMask.None;
        if (a.Mode != b.Mode) { mask |= SignalMask.Mode; }
        if (a.Floor != b.Floor) { mask |= SignalMask.Floor; }
        if (a.Dir != b.Dir) { mask |= SignalMask.Dir; }
        if (a.Run != b.Run) { mask |= SignalMask.Run; }
        if (a.Door != b.Door) { mask |= SignalMask.Door; }
        if (a.Lock != b.Lock) { mask |= SignalMask.Lock; }
        if (a.Safety != b.Safety) { mask |= SignalMask.Safety; }
        if (a.Fault != b.Fault) { mask |= SignalMask.Fault; }
        if (a.SpeedMmS != b.SpeedMmS) { mask |= SignalMask.Speed; }
        if (a.Link != b.Link) { mask |= SignalMask.Link; }
        return mask;
    }

    /// <summary>Every discrete signal as the controller and the box inputs show it at this instant, faults included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private LiftSample CurrentSignals(long time)
    {
        var doorGlitch = _doorGlitchUntil > _now;
        var door = doorGlitch ? DoorState.Opening : _door.State;
        var locked = _door.State == DoorState.Closed && !doorGlitch && _lockOpenUntil <= _now;
        var floor = _floorOverride ?? NearestFloor();
        var speed = (int)Math.Round(_velocity * 1000);
        TravelDirection dir;
        if (_run)
        {
            dir = _commandDirection;
        }
        else if (Math.Abs(_velocity) >= 0.05)
        {
            dir = _velocity > 0 ? TravelDirection.Up : TravelDirection.Down;
        }
        else
        {
            dir = TravelDirection.None;
        }

        return new LiftSample(
            time, SignalMask.AllDiscrete, _mode, floor, dir, _run, door, locked, !_safetyOpen, _faultCode, speed, !_linkDown,
            InDoorZone(), _riders > 0, _alarmUntil > _now, !_mainsDown, 0, 0, 0);
    }

    private void PublishSnapshot()
    {
        var snapshot = BuildSnapshot();
        lock (_snapshotLock)
        {
            _snapshot = snapshot;
        }
    }

    private LiftSnapshot BuildSnapshot()
    {
        var s = CurrentSignals(_origin + _now);
        return new LiftSnapshot(
            s.TimeMicros, _position * 1000, s.SpeedMmS, s.Floor, s.Dir, s.Run, s.Door, s.Lock, s.Safety, s.Fault, s.Mode, s.Link,
            s.Zone, s.Occupied, s.Alarm, s.Mains, _acceleration, _faults.Active?.Definition.Name);
    }

    private long NextGapMicros(double meanSeconds) =>
        double.IsPositiveInfinity(meanSeconds) ? long.MaxValue : _now + (long)(_random.NextExponential(meanSeconds) * 1e6) + _stepMicros;

    internal double LandingPosition(int floor) => (floor - _building.LowestFloor) * _floorHeight;

    /// <summary>The floor whose landing is nearest the car, as the controller numbers it (clamped to the building).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int NearestFloor()
    {
        var index = (int)Math.Round(_position / _floorHeight, MidpointRounding.AwayFromZero);
        return Math.Clamp(_building.LowestFloor + index, _building.LowestFloor, _building.HighestFloor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool InDoorZone()
    {
        var index = Math.Round(_position / _floorHeight, MidpointRounding.AwayFromZero);
        if (index < 0 || index >= _building.FloorCount)
        {
            return false;
        }

        return Math.Abs(_position - (index * _floorHeight)) <= _zoneHalfWidth;
    }
}
