using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// Analog Devices ADXL345 (data sheet Rev. E) in full-resolution mode with the FIFO in stream mode.
/// The part pops ONE FIFO entry per read of the data registers 0x32-0x37 ("Retrieving Data from FIFO" in the
/// FIFO section: each entry must be read with a multiple-byte read of the six data registers), so a batch costs
/// one 6-byte transfer per sample plus one status read: the reader still wakes once per watermark, not per sample.
/// </summary>
public sealed class Adxl345Driver : AccelerometerDriver
{
    /// <summary>7-bit address 0x53 with ALT ADDRESS low, 0x1D with it high ("Serial Communications", I2C).</summary>
    public const int DefaultAddress = 0x53;
    public const int AlternateAddress = 0x1D;

    // Register map ("Register Map" table).
    public const byte DevId = 0x00;
    public const byte BwRate = 0x2C;
    public const byte PowerCtl = 0x2D;
    public const byte IntSource = 0x30;
    public const byte DataFormat = 0x31;
    public const byte DataX0 = 0x32;
    public const byte FifoCtl = 0x38;
    public const byte FifoStatus = 0x39;

    /// <summary>"The DEVID register holds a fixed device ID code of 0xE5 (345 octal)" (Register 0x00—DEVID).</summary>
    public const byte DevIdValue = 0xE5;

    /// <summary>POWER_CTL Measure bit D3: 0 standby, 1 measurement (Register 0x2D).</summary>
    public const byte Measure = 0x08;

    /// <summary>DATA_FORMAT FULL_RES bit D3: 4 mg/LSB (256 LSB/g) at every range, right-justified (Register 0x31).</summary>
    public const byte FullResolution = 0x08;

    /// <summary>FIFO_CTL FIFO_MODE bits D7:D6: 00 bypass, 10 stream; Samples bits D4:D0 = watermark ("Register 0x38—FIFO_CTL").</summary>
    public const byte FifoModeBypass = 0x00;
    public const byte FifoModeStream = 0x80;

    /// <summary>INT_SOURCE Overrun bit D0 (Register 0x30).</summary>
    public const byte OverrunBit = 0x01;

    /// <summary>FIFO_STATUS Entries bits D5:D0 (Register 0x39).</summary>
    public const byte EntriesMask = 0x3F;

    /// <summary>32 entries of x, y, z ("FIFO" section).</summary>
    public const int FifoDepth = 32;

    /// <summary>Sensitivity 256 LSB/g typical at ±2 g 10-bit and in full resolution at every range (Table 1 "Specifications": 230/256/282 LSB/g min/typ/max; scale factor 3.9 mg/LSB).</summary>
    public const int LsbPerG = 256;

    private static readonly int[] Rates = [25, 50, 100, 200, 400, 800, 1600];

    private readonly byte[] _sample = new byte[6];
    private readonly byte[] _dataAddress = [DataX0];

    public Adxl345Driver(I2cDevice device)
        : base(device)
    {
    }

    public override AccelerometerChip Chip => AccelerometerChip.Adxl345;

    public override string ChipName => "ADXL345";

    public override byte IdRegister => DevId;

    public override byte ExpectedId => DevIdValue;

    public override int FifoCapacity => FifoDepth;

    public override IReadOnlyList<int> SupportedRatesHz => Rates;

    /// <summary>BW_RATE rate code: output data rate = 3200 Hz / 2^(15 - code) ("Register 0x2C—BW_RATE" and the output data rate table).</summary>
    public static byte RateCode(int rateHz) => rateHz switch
    {
        25 => 0x08,
        50 => 0x09,
        100 => 0x0A,
        200 => 0x0B,
        400 => 0x0C,
        800 => 0x0D,
        1600 => 0x0E,
        _ => throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, "ADXL345 rates here are 25, 50, 100, 200, 400, 800 and 1600 Hz."),
    };

    /// <summary>DATA_FORMAT range bits D1:D0 ("Register 0x31—DATA_FORMAT", g range setting: 00 ±2 g, 01 ±4 g, 10 ±8 g, 11 ±16 g).</summary>
    public static byte RangeCode(int rangeG) => rangeG switch
    {
        2 => 0b00,
        4 => 0b01,
        8 => 0b10,
        16 => 0b11,
        _ => throw new ArgumentOutOfRangeException(nameof(rangeG), rangeG, "ADXL345 ranges are ±2, ±4, ±8 and ±16 g."),
    };

    /// <summary>Converts one data register pair (little-endian, right-justified, full resolution) to m/s².</summary>
    public static float ToMetersPerSecondSquared(byte low, byte high) =>
        (short)(low | (high << 8)) * (AccelerationVector.StandardGravity / LsbPerG);

    public override int ReadFifo(Span<AccelerationVector> destination, out bool overrun)
    {
        overrun = (ReadRegister(IntSource) & OverrunBit) != 0;
        var count = Math.Min(ReadRegister(FifoStatus) & EntriesMask, Math.Min(destination.Length, FifoDepth));
        const float Scale = AccelerationVector.StandardGravity / LsbPerG;
        for (var i = 0; i < count; i++)
        {
            // One multiple-byte read of DATAX0..DATAZ1 per entry: it pops the entry and keeps x, y, z coherent.
            Device.WriteRead(_dataAddress, _sample);
            ReadOnlySpan<byte> slot = _sample;
            destination[i] = new AccelerationVector(
                BinaryPrimitives.ReadInt16LittleEndian(slot) * Scale,
                BinaryPrimitives.ReadInt16LittleEndian(slot[2..]) * Scale,
                BinaryPrimitives.ReadInt16LittleEndian(slot[4..]) * Scale);
        }

        return count;
    }

    public override bool IsConfigured() => ReadRegister(PowerCtl) == Measure && ReadRegister(BwRate) == RateCode(RateHz);

    protected override void Configure()
    {
        WriteRegister(PowerCtl, 0); // standby while reconfiguring
        WriteRegister(DataFormat, (byte)(FullResolution | RangeCode(RangeG)));
        WriteRegister(BwRate, RateCode(RateHz));
        WriteRegister(FifoCtl, FifoModeBypass); // clears the FIFO
        WriteRegister(FifoCtl, (byte)(FifoModeStream | (Watermark & 0x1F)));
        WriteRegister(PowerCtl, Measure);
    }
}
