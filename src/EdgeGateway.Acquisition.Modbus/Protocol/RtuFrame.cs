namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>RTU application data unit: slave address, PDU, CRC low byte first (Modbus over Serial Line V1.02, §2.5.1).</summary>
public static class RtuFrame
{
    /// <summary>Writes address + PDU + CRC into <paramref name="frame"/>; the PDU must already be at frame[1..].</summary>
    public static int Seal(Span<byte> frame, byte slave, int pduLength)
    {
        frame[0] = slave;
        return ModbusCrc.Append(frame, 1 + pduLength);
    }

    /// <summary>
    /// Checks a complete received frame: length, CRC, and that it comes from <paramref name="expectedSlave"/>.
    /// On success <paramref name="pdu"/> is the PDU inside <paramref name="frame"/>. Never throws.
    /// </summary>
    public static ModbusFrameError TryOpen(ReadOnlySpan<byte> frame, byte expectedSlave, out ReadOnlySpan<byte> pdu)
    {
        pdu = default;
        // §2.5.1: the smallest frame is address + function + CRC = 4 bytes; the largest 256.
        if (frame.Length < 4)
        {
            return ModbusFrameError.Truncated;
        }

        if (frame.Length > ModbusLimits.MaxRtuFrameLength)
        {
            return ModbusFrameError.WrongLength;
        }

        if (!ModbusCrc.IsValid(frame))
        {
            return ModbusFrameError.Crc;
        }

        if (frame[0] != expectedSlave)
        {
            return ModbusFrameError.WrongSlave;
        }

        pdu = frame[1..^2];
        return ModbusFrameError.None;
    }
}

/// <summary>
/// RTU timing (Modbus over Serial Line V1.02, §2.5.1.1): a frame ends after 3.5 character times of silence and
/// must not contain a gap longer than 1.5 character times. One character is 11 bits (start + 8 data + parity or
/// second stop + stop, §2.5.1). Above 19200 baud the spec fixes t1.5 = 750 µs and t3.5 = 1750 µs.
/// </summary>
public readonly record struct RtuTiming(double CharacterMicros, double InterCharacterMicros, double InterFrameMicros)
{
    /// <summary>§2.5.1: 1 start + 8 data + 1 parity (or 2nd stop) + 1 stop.</summary>
    public const int BitsPerCharacter = 11;

    /// <summary>§2.5.1.1: "for baud rates greater than 19200 Bps, fixed values for the 2 timers should be used".</summary>
    public const int FixedTimingAboveBaud = 19200;

    public const double FixedInterCharacterMicros = 750;
    public const double FixedInterFrameMicros = 1750;

    public static RtuTiming ForBaudRate(int baudRate)
    {
        if (baudRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(baudRate), baudRate, "Baud rate must be positive.");
        }

        var character = BitsPerCharacter * 1_000_000.0 / baudRate;
        return baudRate > FixedTimingAboveBaud
            ? new RtuTiming(character, FixedInterCharacterMicros, FixedInterFrameMicros)
            : new RtuTiming(character, 1.5 * character, 3.5 * character);
    }

    /// <summary>Time on the wire for <paramref name="characters"/> bytes.</summary>
    public double TransmitMicros(int characters) => characters * CharacterMicros;
}
