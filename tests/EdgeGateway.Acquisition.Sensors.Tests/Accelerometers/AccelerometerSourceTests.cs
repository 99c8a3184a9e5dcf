using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Tests.Accelerometers;

public sealed class AccelerometerSourceTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("edgegw-accel-").FullName;
    private readonly RecordingSampleWriter _writer = new(capacity: 1 << 20);
    private readonly RecordingHealthReporter _health = new();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private static AccelerometerOptions FastRecovery(string chip) => new()
    {
        Chip = chip,
        Bus = 1,
        RateHz = 400,
        RangeG = 4,
        InitialBackoffMs = 10,
        MaxBackoffMs = 80,
        StallTimeoutMs = 200,
    };

    private sealed class OneDevice(SimulatedI2cChip chip) : II2cDeviceFactory
    {
        public System.Device.I2c.I2cDevice Open(int busId, int address) =>
            busId == chip.ConnectionSettings.BusId && address == chip.ConnectionSettings.DeviceAddress
                ? chip
                : throw new IOException($"Error 121 performing I2C data transfer: nothing at bus {busId} address 0x{address:X2}");
    }

    [Theory]
    [InlineData("lis3dh")]
    [InlineData("adxl345")]
    public async Task Unplugging_raises_then_clears_sensor_fault_while_the_source_keeps_running(string chipName)
    {
        SimulatedI2cChip chip = chipName == "lis3dh" ? new SimulatedLis3dh() : new SimulatedAdxl345();
        var feed = new SimulatedAccelerometerFeed(chip, _ => AccelerationVector.FromG(0, 0, 1), TimeProvider.System);
        using var source = new AccelerometerSource(Options.Create(FastRecovery(chipName)), new OneDevice(chip), null,
            MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        using var cts = new CancellationTokenSource();
        var feeding = feed.RunAsync(TimeSpan.FromMilliseconds(5), cts.Token);
        var running = source.RunAsync(_writer, _health, cts.Token);

        await Eventually.True(() => _writer.Count > 100, "samples flowing");
        Assert.Equal(("accelerometer", (string?)null), Assert.Single(_health.Reports));

        chip.Unplug();
        await Eventually.True(() => _health.Reports.Any(r => r.Problem is not null), "sensor_fault raised");
        var fault = _health.Reports.Last();
        Assert.Equal("accelerometer", fault.Sensor);
        Assert.Contains("I2C bus 1 at address 0x", fault.Problem!, StringComparison.Ordinal);
        Assert.False(running.IsCompleted);

        chip.Replug();
        var countAtReplug = _writer.Count;
        await Eventually.True(() => _health.Reports.Last().Problem is null && _writer.Count > countAtReplug + 100, "sensor_fault cleared and samples again");
        Assert.True(source.Initialisations >= 2);

        await cts.CancelAsync();
        await running;
        await feeding;
        var samples = _writer.Snapshot();
        for (var i = 1; i < samples.Length; i++)
        {
            Assert.True(samples[i].TimeMicros > samples[i - 1].TimeMicros);
        }

        Assert.All(samples, s => Assert.Equal(AccelerationVector.StandardGravity, s.AccZ, 0.05));
    }

    [Fact]
    public async Task A_wrong_part_is_a_fault_that_names_the_id_read_and_the_source_keeps_retrying()
    {
        var chip = new SimulatedLis3dh(whoAmI: 0x44);
        using var source = new AccelerometerSource(Options.Create(FastRecovery("lis3dh")), new OneDevice(chip), null,
            MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        using var cts = new CancellationTokenSource();
        var running = source.RunAsync(_writer, _health, cts.Token);

        await Eventually.True(() => source.FailedAttempts >= 3, "several attempts");
        var (sensor, problem) = Assert.Single(_health.Reports);
        Assert.Equal("accelerometer", sensor);
        Assert.Equal("LIS3DH not found on I2C bus 1 at address 0x18: id register 0x0F read 0x44, expected 0x33", problem);

        await cts.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_part_that_resets_without_a_bus_error_is_detected_by_the_stall_watchdog()
    {
        var chip = new SimulatedLis3dh();
        var feed = new SimulatedAccelerometerFeed(chip, _ => AccelerationVector.FromG(0, 0, 1), TimeProvider.System);
        using var source = new AccelerometerSource(Options.Create(FastRecovery("lis3dh")), new OneDevice(chip), null,
            MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        using var cts = new CancellationTokenSource();
        var feeding = feed.RunAsync(TimeSpan.FromMilliseconds(5), cts.Token);
        var running = source.RunAsync(_writer, _health, cts.Token);
        await Eventually.True(() => _writer.Count > 50, "samples flowing");

        // A brown-out: the part answers again at once, but with power-on registers (not sampling).
        chip.Unplug();
        chip.Replug();

        await Eventually.True(() => source.Initialisations >= 2, "re-initialised");
        await Eventually.True(() => _health.Reports.Last().Problem is null && source.Reader!.Samples > 0, "healthy");
        await cts.CancelAsync();
        await running;
        await feeding;
    }

    [Fact]
    public async Task The_stored_calibration_is_applied_to_the_samples()
    {
        var chip = new SimulatedLis3dh();
        // Mounted on its side: the chip's +X axis points up.
        var feed = new SimulatedAccelerometerFeed(chip, _ => AccelerationVector.FromG(1, 0, 0), TimeProvider.System);
        var store = new CalibrationStore(_dataDirectory);
        var up = AccelerationVector.FromG(1, 0, 0);
        store.Save(new AccelerometerCalibration(Rotation3.AligningToUp(up), up, "+X", 0, 400, "LIS3DH", DateTimeOffset.UnixEpoch));
        using var source = new AccelerometerSource(Options.Create(FastRecovery("lis3dh")), new OneDevice(chip), store,
            MonotonicClock.System, NullLogger<AccelerometerSource>.Instance);
        using var cts = new CancellationTokenSource();
        var feeding = feed.RunAsync(TimeSpan.FromMilliseconds(5), cts.Token);
        var running = source.RunAsync(_writer, _health, cts.Token);

        await Eventually.True(() => _writer.Count > 20, "samples flowing");
        await cts.CancelAsync();
        await running;
        await feeding;

        Assert.All(_writer.Snapshot(), s =>
        {
            Assert.Equal(0, s.AccX, 0.05);
            Assert.Equal(AccelerationVector.StandardGravity, s.AccZ, 0.05);
        });
    }
}
