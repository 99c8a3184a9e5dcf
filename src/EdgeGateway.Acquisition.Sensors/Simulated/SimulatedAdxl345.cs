using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Simulated;

/// <summary>
/// The ADXL345 register map (data sheet Rev. E): DEVID 0xE5, BW_RATE powers up as 0x0A (100 Hz), POWER_CTL Measure bit,
/// DATA_FORMAT range and FULL_RES (256 LSB/g in full resolution at every range; 10-bit mode 256/128/64/32 LSB/g),
/// I2C multiple-byte transfers that always auto-increment, a 32-entry FIFO whose oldest entry sits in DATAX0..DATAZ1
/// and is popped at the end of a read of the data registers, FIFO_STATUS entries and INT_SOURCE overrun.
/// Data is right-justified (the driver never sets the Justify bit, so this model does not implement left-justify).
/// </summary>
public sealed class SimulatedAdxl345 : SimulatedI2cChip
{
    private readonly byte _deviceId;
    private bool _readTouchedData;

    public SimulatedAdxl345(int busId = 1, int address = Adxl345Driver.DefaultAddress, byte deviceId = Adxl345Driver.DevIdValue)
        : base(busId, address, Adxl345Driver.FifoDepth)
    {
        _deviceId = deviceId;
        PowerOnReset();
    }

    /// <summary>LSB per g at the selected range: 256 in full resolution, else 10-bit over the range (Table 1, sensitivity).</summary>
    public static int LsbPerG(int rangeG, bool fullResolution) => fullResolution ? 256 : 1024 / (2 * rangeG);

    protected override void PowerOnReset()
    {
        Registers[Adxl345Driver.DevId] = _deviceId;
        Registers[Adxl345Driver.BwRate] = 0x0A;
    }

    protected override double CurrentRateHz() =>
        (Registers[Adxl345Driver.PowerCtl] & Adxl345Driver.Measure) == 0 ? 0 : 3200.0 / Math.Pow(2, 15 - (Registers[Adxl345Driver.BwRate] & 0x0F));

    protected override bool FifoActive() => (Registers[Adxl345Driver.FifoCtl] >> 6) != 0;

    protected override bool StreamMode() => (Registers[Adxl345Driver.FifoCtl] >> 6) == 0b10;

    protected override RawSample Quantise(in AccelerationVector chipFrame)
    {
        var format = Registers[Adxl345Driver.DataFormat];
        var range = 2 << (format & 0b11);
        var fullResolution = (format & Adxl345Driver.FullResolution) != 0;
        var lsbPerG = LsbPerG(range, fullResolution);
        // Full resolution keeps 4 mg/LSB up to the range: 10 bits at ±2 g ... 13 bits at ±16 g; 10-bit mode is 10 bits.
        var max = fullResolution ? (range * lsbPerG) - 1 : 511;
        short One(float ms2)
        {
            var counts = (int)Math.Round(ms2 / AccelerationVector.StandardGravity * lsbPerG);
            return (short)Math.Clamp(counts, -max - 1, max);
        }

        return new RawSample(One(chipFrame.X), One(chipFrame.Y), One(chipFrame.Z));
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        Pointer = buffer[0] & 0x3F;
        for (var i = 1; i < buffer.Length; i++)
        {
            WriteRegister(Pointer, buffer[i]);
            Pointer = (Pointer + 1) & 0x3F;
        }
    }

    protected override byte ReadNext()
    {
        var address = Pointer;
        byte value;
        if (address is >= Adxl345Driver.DataX0 and <= Adxl345Driver.DataX0 + 5)
        {
            var sample = FifoActive() ? PeekFifo() : Latest;
            var word = (address - Adxl345Driver.DataX0) switch
            {
                0 or 1 => sample.X,
                2 or 3 => sample.Y,
                _ => sample.Z,
            };
            value = (address & 1) == 0 ? (byte)word : (byte)(word >> 8);
            _readTouchedData = true;
        }
        else if (address == Adxl345Driver.FifoStatus)
        {
            value = (byte)(FifoActive() ? FifoLevel : 0);
        }
        else if (address == Adxl345Driver.IntSource)
        {
            var watermark = Registers[Adxl345Driver.FifoCtl] & 0x1F;
            value = (byte)((FifoLevel > 0 ? 0x80 : 0) | (FifoActive() && FifoLevel >= watermark ? 0x02 : 0) | (Overrun ? Adxl345Driver.OverrunBit : 0));
        }
        else
        {
            value = Registers[address];
        }

        Pointer = (address + 1) & 0x3F;
        return value;
    }

    protected override void EndRead(int bytesRead)
    {
        if (_readTouchedData && FifoActive())
        {
            // The entry is popped once the data registers have been read, complete or not.
            PopFifo();
        }

        _readTouchedData = false;
    }

    private void WriteRegister(int address, byte value)
    {
        switch (address)
        {
            case Adxl345Driver.DevId:
            case Adxl345Driver.IntSource:
            case Adxl345Driver.FifoStatus:
            case >= Adxl345Driver.DataX0 and <= Adxl345Driver.DataX0 + 5:
                return; // read-only
            case Adxl345Driver.FifoCtl:
                Registers[address] = value;
                if ((value >> 6) == 0)
                {
                    ClearFifo();
                    Overrun = false;
                }

                return;
            default:
                Registers[address] = value;
                return;
        }
    }
}
