using System.Buffers.Binary;

namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>
/// The MBAP header of Modbus TCP (Modbus Messaging on TCP/IP Implementation Guide V1.0b, §3.1.3): transaction id (2),
/// protocol id (2, always 0), length (2, unit id + PDU), unit id (1). Big-endian.
/// </summary>
public static class MbapHeader
{
    public static void Write(Span<byte> frame, ushort transactionId, byte unitId, int pduLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame, transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(frame[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame[4..], (ushort)(pduLength + 1));
        frame[6] = unitId;
    }

    /// <summary>
    /// Reads a header; <paramref name="pduLength"/> is how many PDU bytes follow it. Never throws: a header that
    /// cannot start a valid ADU (protocol id not 0, length outside 2..254) is reported as an error.
    /// </summary>
    public static ModbusFrameError TryRead(ReadOnlySpan<byte> header, out ushort transactionId, out byte unitId, out int pduLength)
    {
        transactionId = 0;
        unitId = 0;
        pduLength = 0;
        if (header.Length < ModbusLimits.MbapHeaderLength)
        {
            return ModbusFrameError.Truncated;
        }

        transactionId = BinaryPrimitives.ReadUInt16BigEndian(header);
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        unitId = header[6];
        if (protocol != 0)
        {
            return ModbusFrameError.WrongProtocol;
        }

        // The length counts the unit id and at least a function code, at most a full PDU.
        if (length < 2 || length > ModbusLimits.MaxPduLength + 1)
        {
            return ModbusFrameError.WrongLength;
        }

        pduLength = length - 1;
        return ModbusFrameError.None;
    }
}
