using System.Device.I2c;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// Configuration section "Accelerometer". Example:
/// <code>"Accelerometer": { "Chip": "lis3dh", "Bus": 1, "Address": 24, "RateHz": 400, "RangeG": 4 }</code>
/// </summary>
public sealed class AccelerometerOptions
{
    public const string SectionName = "Accelerometer";

    public bool Enabled { get; set; } = true;

    /// <summary>"lis3dh" or "adxl345".</summary>
    public string Chip { get; set; } = "lis3dh";

    /// <summary>I2C bus number (/dev/i2c-N).</summary>
    public int Bus { get; set; } = 1;

    /// <summary>7-bit address; defaults to the part's default (LIS3DH 0x18, ADXL345 0x53).</summary>
    public int? Address { get; set; }

    /// <summary>Output data rate; 400 Hz resolves the 40 ms emergency-stop hold of the domain brief with 16 samples.</summary>
    public int RateHz { get; set; } = 400;

    /// <summary>Full scale in g; ±4 g keeps buffer strikes and safety-gear stops on scale.</summary>
    public int RangeG { get; set; } = 4;

    public int InitialBackoffMs { get; set; } = 100;

    public int MaxBackoffMs { get; set; } = 5000;

    /// <summary>No sample for this long while the bus answers means the part stopped sampling (reset, brown-out).</summary>
    public int StallTimeoutMs { get; set; } = 500;

    public bool TryGetChip(out AccelerometerChip chip)
    {
        switch (Chip?.Trim().ToLowerInvariant())
        {
            case "lis3dh": chip = AccelerometerChip.Lis3dh; return true;
            case "adxl345": chip = AccelerometerChip.Adxl345; return true;
            default: chip = AccelerometerChip.Lis3dh; return false;
        }
    }

    public int EffectiveAddress(AccelerometerChip chip) =>
        Address ?? (chip == AccelerometerChip.Lis3dh ? Lis3dhDriver.DefaultAddress : Adxl345Driver.DefaultAddress);
}

/// <summary>Reports every problem of <see cref="AccelerometerOptions"/> at once, each with its configuration key. No I/O.</summary>
public sealed class AccelerometerOptionsValidator : IValidateOptions<AccelerometerOptions>
{
    public ValidateOptionsResult Validate(string? name, AccelerometerOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = AccelerometerOptions.SectionName;
        var errors = new List<string>();
        var knownChip = options.TryGetChip(out var chip);
        if (!knownChip)
        {
            errors.Add($"{Section}:Chip: '{options.Chip}' is not a supported accelerometer (lis3dh, adxl345).");
        }

        if (options.Bus < 0)
        {
            errors.Add($"{Section}:Bus: {options.Bus} is not an I2C bus number (0 or more).");
        }

        // 0x00-0x02 and 0x78-0x7F are reserved by the I2C specification (UM10204, §3.1.12).
        if (options.Address is < 0x03 or > 0x77)
        {
            errors.Add($"{Section}:Address: 0x{options.Address:X2} is not a 7-bit I2C device address (0x03..0x77).");
        }

        if (knownChip)
        {
            var rates = AccelerometerDrivers.SupportedRatesHz(chip);
            if (!rates.Contains(options.RateHz))
            {
                errors.Add($"{Section}:RateHz: {options.RateHz} Hz is not a {options.Chip} data rate ({string.Join(", ", rates)}).");
            }
        }

        if (!AccelerometerDriver.SupportedRangesG.Contains(options.RangeG))
        {
            errors.Add($"{Section}:RangeG: {options.RangeG} is not a range (2, 4, 8, 16).");
        }

        if (options.InitialBackoffMs is < 1 or > 60_000)
        {
            errors.Add($"{Section}:InitialBackoffMs: {options.InitialBackoffMs} is out of range 1..60000 ms.");
        }

        if (options.MaxBackoffMs < options.InitialBackoffMs || options.MaxBackoffMs > 600_000)
        {
            errors.Add($"{Section}:MaxBackoffMs: {options.MaxBackoffMs} must be between InitialBackoffMs ({options.InitialBackoffMs}) and 600000 ms.");
        }

        if (options.StallTimeoutMs is < 50 or > 60_000)
        {
            errors.Add($"{Section}:StallTimeoutMs: {options.StallTimeoutMs} is out of range 50..60000 ms.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Opens an I2C device by bus and address. Real boards use <see cref="LinuxI2cDeviceFactory"/>.</summary>
public interface II2cDeviceFactory
{
    I2cDevice Open(int busId, int address);
}

/// <summary>/dev/i2c-N through System.Device.I2c.</summary>
public sealed class LinuxI2cDeviceFactory : II2cDeviceFactory
{
    public I2cDevice Open(int busId, int address) => I2cDevice.Create(new I2cConnectionSettings(busId, address));
}

public static class AccelerometerDrivers
{
    public static AccelerometerDriver Create(AccelerometerChip chip, I2cDevice device) => chip switch
    {
        AccelerometerChip.Lis3dh => new Lis3dhDriver(device),
        _ => new Adxl345Driver(device),
    };

    public static IReadOnlyList<int> SupportedRatesHz(AccelerometerChip chip) => chip switch
    {
        AccelerometerChip.Lis3dh => [1, 10, 25, 50, 100, 200, 400, 1344],
        _ => [25, 50, 100, 200, 400, 800, 1600],
    };
}
