using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeGateway.Acquisition.Sensors.Accelerometers;

/// <summary>
/// STMicroelectronics LIS3DH (datasheet DocID17530 Rev 2, "LIS3DH", December 2016) in high-resolution 12-bit mode
/// with the FIFO in stream mode. A whole batch comes out in ONE I2C transfer: with the sub-address MSb set the
/// register address auto-increments (§6.1.1 "I2C operation", p. 25-26), and while the FIFO is enabled the address rolls
/// back from OUT_Z_H (2Dh) to OUT_X_L (28h) so consecutive 6-byte slots are consecutive FIFO samples (ST application
/// note AN3308, "Retrieving data from FIFO").
/// </summary>
public sealed class Lis3dhDriver : AccelerometerDriver
{
    /// <summary>7-bit addresses 001100xb, x = SDO/SA0 pad (§6.1.1, p. 25).</summary>
    public const int DefaultAddress = 0x18;
    public const int AlternateAddress = 0x19;

    // Register map (§7 "Register mapping").
    public const byte WhoAmI = 0x0F;
    public const byte CtrlReg1 = 0x20;
    public const byte CtrlReg4 = 0x23;
    public const byte CtrlReg5 = 0x24;
    public const byte OutXL = 0x28;
    public const byte FifoCtrlReg = 0x2E;
    public const byte FifoSrcReg = 0x2F;

    /// <summary>WHO_AM_I (0Fh) reads 0011 0011 = 0x33 (§8 "Register description", WHO_AM_I).</summary>
    public const byte WhoAmIValue = 0x33;

    /// <summary>SUB(7) = 1 asks for address auto-increment in multiple-byte transfers (§6.1.1, p. 26).</summary>
    public const byte AutoIncrement = 0x80;

    // CTRL_REG1: ODR[3:0] in bits 7:4, LPen bit 3 (0 = normal/high-resolution), Zen Yen Xen bits 2:0 (§8, CTRL_REG1 (20h) and its data rate table).
    public const byte AxesEnabled = 0x07;

    // CTRL_REG4: BDU bit 7 (output registers not updated until both bytes read), FS[1:0] bits 5:4, HR bit 3 (§8, CTRL_REG4 (23h)).
    public const byte BlockDataUpdate = 0x80;
    public const byte HighResolution = 0x08;

    // CTRL_REG5: FIFO_EN bit 6 (§8, CTRL_REG5 (24h)). FIFO_CTRL_REG: FM[1:0] bits 7:6 (00 bypass, 10 stream), FTH[4:0] (§8, FIFO_CTRL_REG (2Eh); §5.1).
    public const byte FifoEnable = 0x40;
    public const byte FifoModeBypass = 0x00;
    public const byte FifoModeStream = 0x80;

    // FIFO_SRC_REG: WTM bit 7, OVRN_FIFO bit 6, EMPTY bit 5, FSS[4:0] unread samples (§8, FIFO_SRC_REG (2Fh); §5.1, p. 22).
    public const byte FifoOverrun = 0x40;
    public const byte FifoEmpty = 0x20;
    public const byte FifoLevelMask = 0x1F;

    /// <summary>32 levels of X, Y, Z (§5.1, p. 22).</summary>
    public const int FifoDepth = 32;

    private static readonly int[] Rates = [1, 10, 25, 50, 100, 200, 400, 1344];

    private readonly byte[] _burst = new byte[FifoDepth * 6];
    private readonly byte[] _subAddress = [OutXL | AutoIncrement];
    private float _metersPerDigit;

    public Lis3dhDriver(I2cDevice device)
        : base(device)
    {
    }

    public override AccelerometerChip Chip => AccelerometerChip.Lis3dh;

    public override string ChipName => "LIS3DH";

    public override byte IdRegister => WhoAmI;

    public override byte ExpectedId => WhoAmIValue;

    public override int FifoCapacity => FifoDepth;

    public override IReadOnlyList<int> SupportedRatesHz => Rates;

    /// <summary>ODR[3:0] for a rate in normal/high-resolution mode (§8, CTRL_REG1 (20h), data rate configuration table).</summary>
    public static byte OdrCode(int rateHz) => rateHz switch
    {
        1 => 0b0001,
        10 => 0b0010,
        25 => 0b0011,
        50 => 0b0100,
        100 => 0b0101,
        200 => 0b0110,
        400 => 0b0111,
        1344 => 0b1001,
        _ => throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, "LIS3DH rates are 1, 10, 25, 50, 100, 200, 400 and 1344 Hz."),
    };

    /// <summary>FS[1:0] for a full scale (§8, CTRL_REG4 (23h)).</summary>
    public static byte FullScaleCode(int rangeG) => rangeG switch
    {
        2 => 0b00,
        4 => 0b01,
        8 => 0b10,
        16 => 0b11,
        _ => throw new ArgumentOutOfRangeException(nameof(rangeG), rangeG, "LIS3DH ranges are ±2, ±4, ±8 and ±16 g."),
    };

    /// <summary>
    /// Sensitivity in high-resolution mode, mg per digit of the 12-bit left-justified value (§2.1, Table 4
    /// "Mechanical characteristics", So: 1, 2, 4, 12 mg/digit at ±2, ±4, ±8, ±16 g).
    /// </summary>
    public static int MilliGPerDigit(int rangeG) => rangeG switch
    {
        2 => 1,
        4 => 2,
        8 => 4,
        16 => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(rangeG), rangeG, "LIS3DH ranges are ±2, ±4, ±8 and ±16 g."),
    };

    /// <summary>Converts one output register pair (little-endian, 12-bit left-justified) to m/s² at <paramref name="rangeG"/>.</summary>
    public static float ToMetersPerSecondSquared(byte low, byte high, int rangeG) =>
        ((short)(low | (high << 8)) >> 4) * MilliGPerDigit(rangeG) * 0.001f * AccelerationVector.StandardGravity;

    public override int ReadFifo(Span<AccelerationVector> destination, out bool overrun)
    {
        var source = ReadRegister(FifoSrcReg);
        overrun = (source & FifoOverrun) != 0;
        var count = (source & FifoEmpty) != 0 ? 0 : source & FifoLevelMask;
        count = Math.Min(count, Math.Min(destination.Length, FifoDepth));
        if (count == 0)
        {
            return 0;
        }

        var bytes = _burst.AsSpan(0, count * 6);
        Device.WriteRead(_subAddress, bytes);
        var scale = _metersPerDigit;
        for (var i = 0; i < count; i++)
        {
            var slot = bytes.Slice(i * 6, 6);
            // Arithmetic shift drops the 4 unused low bits of the 12-bit left-justified value and keeps the sign.
            destination[i] = new AccelerationVector(
                (BinaryPrimitives.ReadInt16LittleEndian(slot) >> 4) * scale,
                (BinaryPrimitives.ReadInt16LittleEndian(slot[2..]) >> 4) * scale,
                (BinaryPrimitives.ReadInt16LittleEndian(slot[4..]) >> 4) * scale);
        }

        return count;
    }

    public override bool IsConfigured() => ReadRegister(CtrlReg1) == Ctrl1Value();

    protected override void Configure()
    {
        _metersPerDigit = MilliGPerDigit(RangeG) * 0.001f * AccelerationVector.StandardGravity;
        WriteRegister(CtrlReg1, 0); // power-down while reconfiguring
        WriteRegister(CtrlReg4, (byte)(BlockDataUpdate | (FullScaleCode(RangeG) << 4) | HighResolution));
        WriteRegister(CtrlReg5, FifoEnable);
        // Bypass first: it is how the FIFO is reset when another mode was running (§5.1.1, p. 22).
        WriteRegister(FifoCtrlReg, FifoModeBypass);
        WriteRegister(FifoCtrlReg, (byte)(FifoModeStream | (Watermark & FifoLevelMask)));
        WriteRegister(CtrlReg1, Ctrl1Value());
    }

    private byte Ctrl1Value() => (byte)((OdrCode(RateHz) << 4) | AxesEnabled);
}
