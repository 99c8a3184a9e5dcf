using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Tests.Accelerometers;

public sealed class AccelerometerOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new AccelerometerOptionsValidator().Validate(null, new AccelerometerOptions()).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_key()
    {
        var options = new AccelerometerOptions { Chip = "lis3dh", Bus = -1, Address = 0x80, RateHz = 800, RangeG = 3, InitialBackoffMs = 0, StallTimeoutMs = 1 };

        var errors = new AccelerometerOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(errors, e => e.StartsWith("Accelerometer:Bus: -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Accelerometer:Address: 0x80", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Accelerometer:RateHz: 800 Hz is not a lis3dh data rate (1, 10, 25, 50, 100, 200, 400, 1344)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Accelerometer:RangeG: 3", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Accelerometer:InitialBackoffMs: 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Accelerometer:StallTimeoutMs: 1", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void An_unknown_chip_is_named()
    {
        var errors = new AccelerometerOptionsValidator().Validate(null, new AccelerometerOptions { Chip = "mpu6050" }).Failures!;
        Assert.Equal("Accelerometer:Chip: 'mpu6050' is not a supported accelerometer (lis3dh, adxl345).", Assert.Single(errors));
    }
}
