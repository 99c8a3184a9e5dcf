using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// The LIS3DH register map (DocID17530 Rev 2): WHO_AM_I 0x33, CTRL_REG1 powers up as 0x07 (power-down, axes on),
/// sub-address MSb = auto-increment (§6.1.1), a 32-level FIFO with bypass / FIFO / stream modes (§5.1), FIFO_SRC_REG
/// with WTM, OVRN_FIFO, EMPTY and FSS, output registers that serve the oldest FIFO slot and roll from OUT_Z_H back to
/// OUT_X_L while the FIFO is enabled (AN3308), 12/10/8-bit left-justified data in high-resolution / normal / low-power
/// mode with the Table 4 sensitivities.
/// </summary>
public sealed class SimulatedLis3dh : SimulatedI2cChip
{
    private readonly byte _whoAmI;

    public SimulatedLis3dh(int busId = 1, int address = Lis3dhDriver.DefaultAddress, byte whoAmI = Lis3dhDriver.WhoAmIValue)
        : base(busId, address, Lis3dhDriver.FifoDepth)
    {
        _whoAmI = whoAmI;
        PowerOnReset();
    }

    /// <summary>Bits of resolution the registers select: 12 (HR), 10 (normal) or 8 (low-power).</summary>
    public int ResolutionBits
    {
        get
        {
            lock (Gate)
            {
                return Resolution();
            }
        }
    }

    /// <summary>mg per digit at the selected range and resolution (Table 4 "Mechanical characteristics", So).</summary>
    public static int MilliGPerDigit(int rangeG, int resolutionBits) => (rangeG, resolutionBits) switch
    {
        (2, 12) => 1,
        (4, 12) => 2,
        (8, 12) => 4,
        (16, 12) => 12,
        (2, 10) => 4,
        (4, 10) => 8,
        (8, 10) => 16,
        (16, 10) => 48,
        (2, 8) => 16,
        (4, 8) => 32,
        (8, 8) => 64,
        (16, 8) => 192,
        _ => throw new ArgumentOutOfRangeException(nameof(rangeG)),
    };

    protected override void PowerOnReset()
    {
        Registers[Lis3dhDriver.WhoAmI] = _whoAmI;
        Registers[Lis3dhDriver.CtrlReg1] = 0x07;
    }

    protected override double CurrentRateHz()
    {
        var ctrl1 = Registers[Lis3dhDriver.CtrlReg1];
        if ((ctrl1 & Lis3dhDriver.AxesEnabled) == 0)
        {
            return 0;
        }

        var lowPower = (ctrl1 & 0x08) != 0;
        return (ctrl1 >> 4) switch
        {
            0b0001 => 1,
            0b0010 => 10,
            0b0011 => 25,
            0b0100 => 50,
            0b0101 => 100,
            0b0110 => 200,
            0b0111 => 400,
            0b1000 => lowPower ? 1620 : 0,
            0b1001 => lowPower ? 5376 : 1344,
            _ => 0,
        };
    }

    protected override bool FifoActive() =>
        (Registers[Lis3dhDriver.CtrlReg5] & Lis3dhDriver.FifoEnable) != 0 && (Registers[Lis3dhDriver.FifoCtrlReg] >> 6) != 0;

    protected override bool StreamMode() => (Registers[Lis3dhDriver.FifoCtrlReg] >> 6) == 0b10;

    protected override RawSample Quantise(in AccelerationVector chipFrame)
    {
        var range = RangeG();
        var bits = Resolution();
        var milliGPerDigit = MilliGPerDigit(range, bits);
        var max = (1 << (bits - 1)) - 1;
        var shift = 16 - bits;
        short One(float ms2)
        {
            var digits = (int)Math.Round(ms2 / AccelerationVector.StandardGravity * 1000 / milliGPerDigit);
            return (short)(Math.Clamp(digits, -max - 1, max) << shift);
        }

        return new RawSample(One(chipFrame.X), One(chipFrame.Y), One(chipFrame.Z));
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var autoIncrement = (buffer[0] & Lis3dhDriver.AutoIncrement) != 0;
        Pointer = buffer[0] & 0x7F;
        AutoIncrementOn = autoIncrement;
        for (var i = 1; i < buffer.Length; i++)
        {
            WriteRegister(Pointer, buffer[i]);
            if (autoIncrement)
            {
                Pointer = (Pointer + 1) & 0x7F;
            }
        }
    }

    protected override byte ReadNext()
    {
        var address = Pointer;
        byte value;
        if (address is >= Lis3dhDriver.OutXL and <= Lis3dhDriver.OutXL + 5)
        {
            var sample = FifoActive() ? PeekFifo() : Latest;
            var word = (address - Lis3dhDriver.OutXL) switch
            {
                0 or 1 => sample.X,
                2 or 3 => sample.Y,
                _ => sample.Z,
            };
            value = (address & 1) == 0 ? (byte)word : (byte)(word >> 8);
            if (address == Lis3dhDriver.OutXL + 5 && FifoActive())
            {
                // Reading OUT_Z_H frees the FIFO slot; the next slot appears in OUT_X_L..OUT_Z_H.
                PopFifo();
            }
        }
        else if (address == Lis3dhDriver.FifoSrcReg)
        {
            value = FifoSource();
        }
        else
        {
            value = Registers[address];
        }

        if (AutoIncrementOn)
        {
            // While the FIFO is enabled the address rolls back from OUT_Z_H (2Dh) to OUT_X_L (28h) (AN3308).
            Pointer = address == Lis3dhDriver.OutXL + 5 && FifoActive() ? Lis3dhDriver.OutXL : (address + 1) & 0x7F;
        }

        return value;
    }

    private bool AutoIncrementOn { get; set; }

    private byte FifoSource()
    {
        var level = FifoLevel;
        var threshold = Registers[Lis3dhDriver.FifoCtrlReg] & Lis3dhDriver.FifoLevelMask;
        var value = 0;
        if (level >= threshold && level > 0)
        {
            value |= 0x80; // WTM
        }

        if (Overrun)
        {
            value |= Lis3dhDriver.FifoOverrun;
        }

        if (level == 0)
        {
            value |= Lis3dhDriver.FifoEmpty;
        }

        // FSS[4:0] is five bits: a full FIFO of 32 reports 31 here (the driver reads the 32nd on its next batch).
        return (byte)(value | Math.Min(level, Lis3dhDriver.FifoLevelMask));
    }

    private void WriteRegister(int address, byte value)
    {
        switch (address)
        {
            case Lis3dhDriver.WhoAmI:
            case Lis3dhDriver.FifoSrcReg:
            case >= Lis3dhDriver.OutXL and <= Lis3dhDriver.OutXL + 5:
                return; // read-only
            case Lis3dhDriver.FifoCtrlReg:
                Registers[address] = value;
                if ((value >> 6) == 0)
                {
                    // Bypass mode empties the FIFO (§5.1.1).
                    ClearFifo();
                    Overrun = false;
                }

                return;
            default:
                Registers[address] = value;
                return;
        }
    }

    private int RangeG() => ((Registers[Lis3dhDriver.CtrlReg4] >> 4) & 0b11) switch
    {
        0 => 2,
        1 => 4,
        2 => 8,
        _ => 16,
    };

    private int Resolution() =>
        (Registers[Lis3dhDriver.CtrlReg1] & 0x08) != 0 ? 8 : (Registers[Lis3dhDriver.CtrlReg4] & Lis3dhDriver.HighResolution) != 0 ? 12 : 10;
}
