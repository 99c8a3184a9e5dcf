using System.Buffers.Binary;
using System.Numerics;

namespace EdgeGateway.Outbox.SegmentLog;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as used by iSCSI, ext4 metadata and SCTP (RFC 3720 B.4).
/// Chosen over CRC-32 because ARMv8 and SSE4.2 compute it in hardware (<see cref="BitOperations.Crc32C(uint, ulong)"/>
/// uses the instruction where present). Check value: "123456789" → 0xE3069283.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more bytes (pre/post inversion handled, so Append(Compute(a), b) == Compute(a + b)).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
