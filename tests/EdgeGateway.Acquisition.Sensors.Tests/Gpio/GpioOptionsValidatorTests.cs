using EdgeGateway.Acquisition.Sensors.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Tests.Gpio;

public sealed class GpioOptionsValidatorTests
{
    [Fact]
    public void Valid_configuration_passes()
    {
        var options = new GpioOptions
        {
            Inputs =
            {
                ["zone"] = new GpioInputOptions { Chip = 0, Line = 17 },
                ["alarm"] = new GpioInputOptions { Chip = 0, Line = 27, ActiveLow = true, Bias = GpioBias.PullUp, DebounceMs = 30 },
                ["mains"] = new GpioInputOptions { Chip = 1, Line = 17 },
            },
        };

        Assert.True(new GpioOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_key()
    {
        var options = new GpioOptions
        {
            DebounceMs = -1,
            Inputs =
            {
                ["zone"] = new GpioInputOptions { Chip = 0, Line = 17 },
                ["alarm"] = new GpioInputOptions { Chip = 0, Line = 17, DebounceMs = 5000 },
                ["doorbell"] = new GpioInputOptions { Chip = 0, Line = 3 },
                ["mains"] = new GpioInputOptions { Chip = -1 },
            },
        };

        var result = new GpioOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Contains(errors, e => e.StartsWith("Gpio:DebounceMs: -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Inputs:alarm:Line: chip 0 line 17 is already used by Gpio:Inputs:zone", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Inputs:alarm:DebounceMs: 5000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Inputs:doorbell: unknown signal 'doorbell'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Inputs:mains:Chip: -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Inputs:mains:Line: missing", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
    }
}
