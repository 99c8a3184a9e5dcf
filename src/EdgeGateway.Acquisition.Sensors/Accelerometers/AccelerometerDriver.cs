using System.Device.I2c;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// A 3-axis accelerometer with a hardware FIFO on an <see cref="I2cDevice"/>. Transport faults (NAK, stuck bus)
/// surface as <see cref="IOException"/> from the I2C device; protocol outcomes (a different chip answering) are results.
/// Not thread-safe: one reader owns a driver. Reads use a preallocated buffer: nothing allocates per sample.
/// </summary>
public abstract class AccelerometerDriver
{
    private readonly byte[] _register = new byte[2];

    protected AccelerometerDriver(I2cDevice device)
    {
        Device = device;
    }

    public I2cDevice Device { get; }

    public abstract AccelerometerChip Chip { get; }

    public abstract string ChipName { get; }

    /// <summary>The identification register and the value the datasheet fixes for it.</summary>
    public abstract byte IdRegister { get; }

    public abstract byte ExpectedId { get; }

    /// <summary>Samples the FIFO holds.</summary>
    public abstract int FifoCapacity { get; }

    /// <summary>Output data rates the driver can select, in Hz.</summary>
    public abstract IReadOnlyList<int> SupportedRatesHz { get; }

    public static IReadOnlyList<int> SupportedRangesG { get; } = [2, 4, 8, 16];

    public int RateHz { get; private set; }

    public int RangeG { get; private set; }

    /// <summary>FIFO level at which a batch is due; the reader polls about every <c>Watermark / RateHz</c>.</summary>
    public int Watermark { get; private set; }

    /// <summary>One output-data-rate period in microseconds (fractional: 1344 Hz is 744.05 µs).</summary>
    public double SamplePeriodMicros => 1_000_000.0 / RateHz;

    /// <summary>"LIS3DH on I2C bus 1 at address 0x18": how every message names the part.</summary>
    public string Description => $"{ChipName} on I2C bus {Device.ConnectionSettings.BusId} at address 0x{Device.ConnectionSettings.DeviceAddress:X2}";

    /// <summary>Reads the identification register (a probe; throws <see cref="IOException"/> when nothing answers).</summary>
    public byte ReadId() => ReadRegister(IdRegister);

    /// <summary>
    /// Probes the identification register, then selects range and data rate and starts the FIFO in stream mode.
    /// Returns false with <paramref name="problem"/> naming bus, address and the id read when another part answers.
    /// </summary>
    public bool TryInitialise(int rateHz, int rangeG, out string? problem)
    {
        if (!SupportedRatesHz.Contains(rateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, $"{ChipName} supports {string.Join(", ", SupportedRatesHz)} Hz.");
        }

        if (!SupportedRangesG.Contains(rangeG))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeG), rangeG, "Ranges are ±2, ±4, ±8 and ±16 g.");
        }

        var id = ReadId();
        if (id != ExpectedId)
        {
            problem = $"{ChipName} not found on I2C bus {Device.ConnectionSettings.BusId} at address 0x{Device.ConnectionSettings.DeviceAddress:X2}: " +
                      $"id register 0x{IdRegister:X2} read 0x{id:X2}, expected 0x{ExpectedId:X2}";
            return false;
        }

        RateHz = rateHz;
        RangeG = rangeG;
        // Poll about every 50 ms (latency for emergency-stop detection), but never let the FIFO pass half full, so a
        // late wake-up of the reader still has half a FIFO of margin before stream mode overwrites samples.
        Watermark = Math.Clamp(rateHz / 20, 1, FifoCapacity / 2);
        Configure();
        if (!IsConfigured())
        {
            problem = $"{Description}: configuration did not read back (is another master writing to it?)";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Reads every complete sample in the FIFO (up to <paramref name="destination"/>'s length), oldest first, in m/s² in the
    /// chip frame. <paramref name="overrun"/> is true when the FIFO overwrote samples the host had not read.
    /// </summary>
    public abstract int ReadFifo(Span<AccelerationVector> destination, out bool overrun);

    /// <summary>Reads back the control register that holds the data rate: false after a reset or brown-out of the part.</summary>
    public abstract bool IsConfigured();

    protected abstract void Configure();

    protected byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        _register[0] = register;
        Device.WriteRead(_register.AsSpan(0, 1), value);
        return value[0];
    }

    protected void WriteRegister(byte register, byte value)
    {
        _register[0] = register;
        _register[1] = value;
        Device.Write(_register);
    }
}
