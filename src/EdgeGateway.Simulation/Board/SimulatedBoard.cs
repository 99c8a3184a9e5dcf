using System.Device.Gpio;
using System.Device.I2c;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Board;

/// <summary>How the simulated box is wired: which GPIO lines carry which input, which accelerometer sits where and how it is mounted.</summary>
public sealed class SimulatedBoardOptions
{
    public int GpioChip { get; set; }

    public int ZoneLine { get; set; } = 17;

    public int OccupiedLine { get; set; } = 23;

    /// <summary>The alarm button pulls its line to ground when pressed (active-low with a pull-up), as most car panels are wired.</summary>
    public int AlarmLine { get; set; } = 27;

    public int MainsLine { get; set; } = 24;

    /// <summary>The car-door closed contact is only wired when asked: the controller already reports the door.</summary>
    public bool WireDoorContact { get; set; }

    public int DoorLine { get; set; } = 22;

    /// <summary>Mechanical contacts (alarm button, door contact) bounce this many times on every change.</summary>
    public int ContactBounces { get; set; } = 3;

    /// <summary>"lis3dh" or "adxl345".</summary>
    public string AccelerometerChip { get; set; } = "lis3dh";

    public int I2cBus { get; set; } = 1;

    public int AccelerometerRateHz { get; set; } = 400;

    public int AccelerometerRangeG { get; set; } = 4;

    /// <summary>
    /// Which way the chip's axes point in the car: the chip-frame direction of "up". The default is a box mounted on
    /// its side (chip −Y up) and tilted 4°, so nothing is vertical until the box is calibrated.
    /// </summary>
    public AccelerationVector ChipUp { get; set; } = new(0.0698f, -0.9976f, 0);

    /// <summary>Sensor noise on each axis (m/s², standard deviation).</summary>
    public double NoiseMs2 { get; set; } = 0.02;

    public long Seed { get; set; } = 7;
}

/// <summary>
/// The simulated box's hardware: it mirrors the simulated lift's physical state into simulated GPIO lines (with contact
/// bounce on the mechanical contacts) and plays the car's acceleration, plus gravity and noise, into a simulated
/// LIS3DH or ADXL345 in the CHIP frame at the part's own output data rate, so the real <see cref="GpioInputSource"/>,
/// <see cref="AccelerometerSource"/> and calibration run unchanged on top. Use <see cref="CarriedSignals"/> to stop the
/// lift emitting what the board carries. Runs as an <see cref="ISampleSource"/> that writes nothing itself.
/// </summary>
public sealed class SimulatedBoard : ISampleSource
{
    private readonly SimulatedLift _lift;
    private readonly SimulatedBoardOptions _options;
    private readonly TimeProvider _time;
    private readonly SimulatedGpioChip _gpio;
    private readonly SimulatedAccelerometerFeed _feed;
    private readonly Rotation3 _boxToChip;
    private readonly Lock _gate = new();
    private readonly bool?[] _forced = new bool?[GpioSignals.All.Count];
    private DeterministicRandom _noise;
    private LiftSnapshot _snapshot;

    public SimulatedBoard(SimulatedLift lift, SimulatedBoardOptions? options = null, TimeProvider? time = null)
    {
        _lift = lift;
        _options = options ?? new SimulatedBoardOptions();
        _time = time ?? TimeProvider.System;
        GpioDrivers = new SimulatedGpioDriverFactory();
        _gpio = GpioDrivers.Chip(_options.GpioChip);
        var accelerometerOptions = AccelerometerOptionsFor(_options);
        if (!accelerometerOptions.TryGetChip(out var chip))
        {
            throw new ArgumentException($"Unknown accelerometer '{_options.AccelerometerChip}' (lis3dh, adxl345).", nameof(options));
        }

        var address = accelerometerOptions.EffectiveAddress(chip);
        Accelerometer = chip == Acquisition.Sensors.Accelerometers.AccelerometerChip.Lis3dh
            ? new SimulatedLis3dh(_options.I2cBus, address)
            : new SimulatedAdxl345(_options.I2cBus, address);
        AccelerometerOptions = accelerometerOptions;
        GpioOptions = GpioOptionsFor(_options);
        I2c = new BoardI2c(Accelerometer);
        // The mounting rotation maps chip → box; the part sees the box-frame acceleration through its transpose.
        _boxToChip = Rotation3.AligningToUp(_options.ChipUp).Transpose();
        _noise = new DeterministicRandom(_options.Seed);
        _snapshot = lift.Snapshot;
        _feed = new SimulatedAccelerometerFeed(Accelerometer, ChipFrameSample, _time);
        Mirror(_snapshot);
    }

    public string Name => "simulated-board";

    /// <summary>Give this to <see cref="GpioInputSource"/> (the board's GPIO chips).</summary>
    public SimulatedGpioDriverFactory GpioDrivers { get; }

    /// <summary>Give this to <see cref="AccelerometerSource"/> (the board's I2C bus).</summary>
    public II2cDeviceFactory I2c { get; }

    /// <summary>The simulated accelerometer part (fault injection: unplug, NAK, stuck bus).</summary>
    public SimulatedI2cChip Accelerometer { get; }

    /// <summary>The "Gpio" section that matches this board's wiring.</summary>
    public GpioOptions GpioOptions { get; }

    /// <summary>The "Accelerometer" section that matches this board's part.</summary>
    public AccelerometerOptions AccelerometerOptions { get; }

    /// <summary>The signals this board carries: clear them from <see cref="SimulatedLift.EmitSignals"/> so they arrive only through the drivers.</summary>
    public SignalMask CarriedSignals =>
        SignalMask.Zone | SignalMask.Occupied | SignalMask.Alarm | SignalMask.Mains | SignalMask.Acc | (_options.WireDoorContact ? SignalMask.Door : SignalMask.None);

    /// <summary>The chip-frame direction of up (the truth a calibration should find).</summary>
    public AccelerationVector ChipUp => _options.ChipUp;

    public void UnplugAccelerometer() => Accelerometer.Unplug();

    public void ReplugAccelerometer() => Accelerometer.Replug();

    /// <summary>Holds an input at <paramref name="active"/> regardless of the lift (an installer pressing a button); null follows the lift again.</summary>
    public void ForceInput(GpioSignal signal, bool? active)
    {
        lock (_gate)
        {
            _forced[(int)signal] = active;
        }

        Mirror(_lift.Snapshot);
    }

    /// <summary>Mirrors the lift's current state onto the lines and pushes the accelerometer samples due by now.</summary>
    public void Update()
    {
        var snapshot = _lift.Snapshot;
        Mirror(snapshot);
        _feed.PushDue();
    }

    public async Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5), _time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Update();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>The level a wired input's line shows for <paramref name="active"/> (active-low lines are inverted).</summary>
    public PinValue LevelFor(GpioSignal signal, bool active)
    {
        var input = GpioOptions.Inputs[GpioSignals.NameOf(signal)];
        return active ^ input.ActiveLow ? PinValue.High : PinValue.Low;
    }

    public static GpioOptions GpioOptionsFor(SimulatedBoardOptions options)
    {
        var gpio = new GpioOptions
        {
            Inputs =
            {
                ["zone"] = new GpioInputOptions { Chip = options.GpioChip, Line = options.ZoneLine },
                ["occupied"] = new GpioInputOptions { Chip = options.GpioChip, Line = options.OccupiedLine },
                ["alarm"] = new GpioInputOptions { Chip = options.GpioChip, Line = options.AlarmLine, ActiveLow = true, Bias = GpioBias.PullUp },
                ["mains"] = new GpioInputOptions { Chip = options.GpioChip, Line = options.MainsLine },
            },
        };
        if (options.WireDoorContact)
        {
            gpio.Inputs["door"] = new GpioInputOptions { Chip = options.GpioChip, Line = options.DoorLine };
        }

        return gpio;
    }

    public static AccelerometerOptions AccelerometerOptionsFor(SimulatedBoardOptions options) => new()
    {
        Chip = options.AccelerometerChip,
        Bus = options.I2cBus,
        RateHz = options.AccelerometerRateHz,
        RangeG = options.AccelerometerRangeG,
    };

    private void Mirror(in LiftSnapshot snapshot)
    {
        lock (_gate)
        {
            _snapshot = snapshot;
            Drive(GpioSignal.Zone, snapshot.Zone, bounces: 0);
            Drive(GpioSignal.Occupied, snapshot.Occupied, bounces: 0);
            Drive(GpioSignal.Alarm, snapshot.Alarm, _options.ContactBounces);
            Drive(GpioSignal.Mains, snapshot.Mains, bounces: 0);
            if (_options.WireDoorContact)
            {
                Drive(GpioSignal.Door, snapshot.Door == DoorState.Closed, _options.ContactBounces);
            }
        }
    }

    private void Drive(GpioSignal signal, bool liftSays, int bounces)
    {
        var active = _forced[(int)signal] ?? liftSays;
        var input = GpioOptions.Inputs[GpioSignals.NameOf(signal)];
        var level = active ^ input.ActiveLow ? PinValue.High : PinValue.Low;
        if (_gpio.LevelOf(input.Line) == level)
        {
            return;
        }

        if (bounces > 0)
        {
            _gpio.InjectBounce(input.Line, level, bounces);
        }
        else
        {
            _gpio.SetInput(input.Line, level);
        }
    }

    private AccelerationVector ChipFrameSample(long timeMicros)
    {
        double carAcceleration;
        lock (_gate)
        {
            carAcceleration = _snapshot.CarAccelerationMs2;
        }

        var sigma = _options.NoiseMs2;
        var box = new AccelerationVector(
            (float)(sigma * _noise.NextGaussian()),
            (float)(sigma * _noise.NextGaussian()),
            (float)(AccelerationVector.StandardGravity + carAcceleration + (sigma * _noise.NextGaussian())));
        return _boxToChip.Apply(box);
    }

    private sealed class BoardI2c(SimulatedI2cChip chip) : II2cDeviceFactory
    {
        public I2cDevice Open(int busId, int address) =>
            busId == chip.ConnectionSettings.BusId && address == chip.ConnectionSettings.DeviceAddress
                ? chip
                : throw new IOException($"Error 121 performing I2C data transfer: no device answers at address 0x{address:X2} on simulated bus {busId}.");
    }
}
