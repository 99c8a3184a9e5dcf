namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>
/// The CRC-16 that closes every RTU frame (Modbus over Serial Line V1.02, §6.2.2 and Appendix B):
/// polynomial 0xA001 (0x8005 bit-reversed), preset 0xFFFF, no final XOR, transmitted low byte first.
/// Table-driven as Appendix B recommends; the table is computed once from the polynomial instead of typed in.
/// </summary>
public static class ModbusCrc
{
    /// <summary>The reflected generator polynomial of §6.2.2 ("the generating polynomial 1010 0000 0000 0001").</summary>
    private const ushort ReflectedPolynomial = 0xA001;

    /// <summary>§6.2.2: "the 16-bit CRC register is preloaded with all 1's".</summary>
    private const ushort Preset = 0xFFFF;

    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        var table = Table;
        ushort crc = Preset;
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    /// <summary>Appends the CRC of <paramref name="frame"/>[..<paramref name="length"/>] low byte first; returns the new length.</summary>
    public static int Append(Span<byte> frame, int length)
    {
        var crc = Compute(frame[..length]);
        frame[length] = (byte)crc;
        frame[length + 1] = (byte)(crc >> 8);
        return length + 2;
    }

    /// <summary>True when the last two bytes of <paramref name="frame"/> are the CRC of the bytes before them.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 3)
        {
            return false;
        }

        var crc = Compute(frame[..^2]);
        return frame[^2] == (byte)crc && frame[^1] == (byte)(crc >> 8);
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var value = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (ushort)((value >> 1) ^ ReflectedPolynomial) : (ushort)(value >> 1);
            }

            table[i] = value;
        }

        return table;
    }
}
