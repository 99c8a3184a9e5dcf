using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Commissioning;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Simulation.Board;
using EdgeGateway.Simulation.Lift;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Simulation.Tests.Board;

public sealed class SimulatedBoardTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("edgegw-board-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private static SimulatedLift DemoLift() => new(LiftProfile.Default, new SimulationOptions { Scenario = SimulationScenario.Demo, TrafficCallsPerHour = 0, AlarmPressesPerHour = 0 });

    private static SimulatedLift IdleLift() => new(LiftProfile.Default, new SimulationOptions { Scenario = SimulationScenario.Traffic, TrafficCallsPerHour = 0, AlarmPressesPerHour = 0 });

    [Fact]
    public void The_lift_stops_emitting_what_the_board_carries()
    {
        var lift = DemoLift();
        var board = new SimulatedBoard(lift);
        lift.EmitSignals &= ~board.CarriedSignals;
        var writer = new Recorder();

        lift.RunFor(TimeSpan.FromSeconds(30), writer);

        var samples = writer.Snapshot();
        Assert.NotEmpty(samples);
        Assert.DoesNotContain(samples, s => (s.Set & board.CarriedSignals) != 0);
    }

    [Fact]
    public void Gpio_inputs_follow_the_lift_through_the_real_gpio_source()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        var lift = DemoLift();
        var board = new SimulatedBoard(lift, time: time);
        lift.EmitSignals &= ~board.CarriedSignals;
        using var gpio = new GpioInputSource(Options.Create(board.GpioOptions), board.GpioDrivers, clock, NullLogger<GpioInputSource>.Instance);
        var liftOut = new Recorder();
        var inputs = new Recorder();
        var health = new Health();
        gpio.Open(inputs, health);
        var state = default(LiftState);
        bool sawOccupied = false, sawOutsideZone = false, sawAlarm = false;

        // 90 s of the demo: a passenger calls the car, rides, gets stuck between floors and presses the alarm.
        for (var i = 0; i < 18_000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            lift.RunFor(TimeSpan.FromMilliseconds(5), liftOut);
            board.Update();
            gpio.Poll(inputs);
            foreach (var sample in inputs.Drain())
            {
                state.Apply(sample);
            }

            sawOccupied |= state.Occupied;
            sawOutsideZone |= state.IsKnown(SignalMask.Zone) && !state.Zone;
            sawAlarm |= state.Alarm;
        }

        time.Advance(TimeSpan.FromMilliseconds(50));
        gpio.Poll(inputs);
        foreach (var sample in inputs.Drain())
        {
            state.Apply(sample);
        }

        var truth = lift.Snapshot;
        Assert.True(sawOccupied, "presence never seen");
        Assert.True(sawOutsideZone, "the car never left the door zone");
        Assert.True(sawAlarm, "the alarm press never arrived");
        Assert.Equal(truth.Zone, state.Zone);
        Assert.Equal(truth.Occupied, state.Occupied);
        Assert.Equal(truth.Alarm, state.Alarm);
        Assert.Equal(truth.Mains, state.Mains);
        Assert.All(health.Reports, r => Assert.Null(r.Problem));
    }

    [Theory]
    [InlineData("lis3dh")]
    [InlineData("adxl345")]
    public async Task Calibration_finds_the_mounting_and_the_calibrated_source_reports_z_up(string chip)
    {
        var lift = IdleLift();
        var board = new SimulatedBoard(lift, new SimulatedBoardOptions { AccelerometerChip = chip });
        using var cts = new CancellationTokenSource();
        var running = board.RunAsync(new Recorder(), new Health(), cts.Token);
        var store = new CalibrationStore(_dataDirectory);

        var driver = AccelerometerDrivers.Create(chip == "lis3dh" ? AccelerometerChip.Lis3dh : AccelerometerChip.Adxl345, board.Accelerometer);
        // Uncalibrated, z is not vertical: the box is on its side.
        var outcome = await AccelerometerCalibrationRun.RunAsync(driver, 400, 4, MonotonicClock.System, CalibrationCriteria.Default, DateTimeOffset.UtcNow, store, cts.Token);

        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.Equal("-Y", outcome.Calibration!.VerticalAxis);
        Assert.Equal(4, outcome.Calibration.TiltDegrees, 0.5);
        Assert.True(Math.Abs(outcome.Mean.Z) < 1, "the chip's z axis should be horizontal before calibration");

        var writer = new Recorder();
        var health = new Health();
        using var source = new AccelerometerSource(Options.Create(board.AccelerometerOptions), board.I2c, store, MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        var acquiring = source.RunAsync(writer, health, cts.Token);
        await WaitFor(() => writer.Count >= 200, "calibrated samples");
        await cts.CancelAsync();
        await acquiring;
        await running;

        var samples = writer.Snapshot();
        Assert.Equal(AccelerationVector.StandardGravity, samples.Average(s => s.AccZ), 0.05);
        Assert.Equal(0, samples.Average(s => s.AccX), 0.05);
        Assert.Equal(0, samples.Average(s => s.AccY), 0.05);
    }

    [Fact]
    public async Task Unplugging_the_accelerometer_raises_and_then_clears_sensor_fault_while_the_source_runs()
    {
        var lift = IdleLift();
        var board = new SimulatedBoard(lift);
        var options = board.AccelerometerOptions;
        options.InitialBackoffMs = 10;
        options.MaxBackoffMs = 100;
        var writer = new Recorder();
        var health = new Health();
        using var cts = new CancellationTokenSource();
        using var source = new AccelerometerSource(Options.Create(options), board.I2c, null, MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        var running = board.RunAsync(writer, health, cts.Token);
        var acquiring = source.RunAsync(writer, health, cts.Token);
        await WaitFor(() => writer.Count > 100, "samples");

        board.UnplugAccelerometer();
        await WaitFor(() => health.Reports.Any(r => r.Problem is not null), "sensor_fault raised");
        Assert.Equal("accelerometer", health.Reports.Last().Sensor);
        Assert.Contains("LIS3DH on I2C bus 1 at address 0x18", health.Reports.Last().Problem!, StringComparison.Ordinal);

        board.ReplugAccelerometer();
        var countAtReplug = writer.Count;
        await WaitFor(() => health.Reports.Last().Problem is null && writer.Count > countAtReplug + 50, "sensor_fault cleared");
        Assert.False(acquiring.IsCompleted);

        await cts.CancelAsync();
        await acquiring;
        await running;
    }

    [Fact]
    public void Forced_inputs_override_the_lift_for_the_installer_check()
    {
        var lift = IdleLift();
        var board = new SimulatedBoard(lift);

        board.ForceInput(GpioSignal.Alarm, true);
        Assert.Equal(board.LevelFor(GpioSignal.Alarm, true), board.GpioDrivers.Chip(0).LevelOf(board.GpioOptions.Inputs["alarm"].Line));
        Assert.Equal(System.Device.Gpio.PinValue.Low, board.LevelFor(GpioSignal.Alarm, true)); // active-low button
        board.ForceInput(GpioSignal.Alarm, null);
        Assert.Equal(board.LevelFor(GpioSignal.Alarm, false), board.GpioDrivers.Chip(0).LevelOf(board.GpioOptions.Inputs["alarm"].Line));
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up after 20 s waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    private sealed class Recorder : ISampleWriter
    {
        private readonly Lock _gate = new();
        private readonly List<LiftSample> _samples = [];
        private int _drained;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _samples.Count;
                }
            }
        }

        public bool TryWrite(in LiftSample sample)
        {
            lock (_gate)
            {
                _samples.Add(sample);
                return true;
            }
        }

        public LiftSample[] Snapshot()
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }

        public LiftSample[] Drain()
        {
            lock (_gate)
            {
                var fresh = _samples.Skip(_drained).ToArray();
                _drained = _samples.Count;
                return fresh;
            }
        }
    }

    private sealed class Health : ISensorHealthReporter
    {
        private readonly Lock _gate = new();
        private readonly List<(string Sensor, string? Problem)> _reports = [];

        public (string Sensor, string? Problem)[] Reports
        {
            get
            {
                lock (_gate)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(string sensor, string? problem)
        {
            lock (_gate)
            {
                _reports.Add((sensor, problem));
            }
        }
    }
}
