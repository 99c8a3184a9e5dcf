using System.Buffers.Binary;

namespace EdgeGateway.Acquisition.Modbus.Protocol;

/// <summary>
/// Encodes request PDUs and decodes response PDUs (Modbus Application Protocol V1.1b3, §6). All methods work on
/// caller-provided spans and never allocate; decoders never throw on any input, they return a <see cref="ModbusResult"/>.
/// </summary>
public static class ModbusPdu
{
    /// <summary>§6.5: the value FF 00 requests a coil ON, 00 00 OFF; anything else is illegal.</summary>
    public const ushort CoilOn = 0xFF00;

    /// <summary>§7: the exception response function code is the request's with its high bit set.</summary>
    public const byte ExceptionFlag = 0x80;

    /// <summary>Request PDU for FC 01/02/03/04: function, start address, quantity (5 bytes).</summary>
    public static int WriteReadRequest(Span<byte> pdu, ModbusFunction function, ushort start, ushort count)
    {
        pdu[0] = (byte)function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], count);
        return 5;
    }

    public static int WriteSingleCoilRequest(Span<byte> pdu, ushort address, bool value)
    {
        pdu[0] = (byte)ModbusFunction.WriteSingleCoil;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value ? CoilOn : (ushort)0);
        return 5;
    }

    public static int WriteSingleRegisterRequest(Span<byte> pdu, ushort address, ushort value)
    {
        pdu[0] = (byte)ModbusFunction.WriteSingleRegister;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value);
        return 5;
    }

    /// <summary>§6.11: function, start, quantity, byte count, coils packed LSB first.</summary>
    public static int WriteMultipleCoilsRequest(Span<byte> pdu, ushort start, ReadOnlySpan<bool> values)
    {
        var byteCount = (values.Length + 7) / 8;
        pdu[0] = (byte)ModbusFunction.WriteMultipleCoils;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)byteCount;
        PackBits(values, pdu.Slice(6, byteCount));
        return 6 + byteCount;
    }

    /// <summary>§6.12: function, start, quantity, byte count, registers big-endian.</summary>
    public static int WriteMultipleRegistersRequest(Span<byte> pdu, ushort start, ReadOnlySpan<ushort> values)
    {
        pdu[0] = (byte)ModbusFunction.WriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)(values.Length * 2);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(pdu[(6 + (2 * i))..], values[i]);
        }

        return 6 + (values.Length * 2);
    }

    /// <summary>
    /// Common checks of any response PDU to a request with <paramref name="function"/>: an exception response
    /// (§7) becomes a result naming its code, a different function code is invalid.
    /// </summary>
    public static ModbusResult CheckFunction(ReadOnlySpan<byte> pdu, ModbusFunction function)
    {
        if (pdu.Length < 2)
        {
            return ModbusResult.Invalid(ModbusFrameError.Truncated);
        }

        if (pdu[0] == ((byte)function | ExceptionFlag))
        {
            return pdu.Length == 2 ? ModbusResult.FromException((ModbusExceptionCode)pdu[1]) : ModbusResult.Invalid(ModbusFrameError.WrongLength);
        }

        return pdu[0] == (byte)function ? ModbusResult.Success : ModbusResult.Invalid(ModbusFrameError.WrongFunction);
    }

    /// <summary>Decodes the response to FC 01/02 into <paramref name="destination"/>[..count].</summary>
    public static ModbusResult ReadBitsResponse(ReadOnlySpan<byte> pdu, ModbusFunction function, int count, Span<bool> destination)
    {
        var check = CheckFunction(pdu, function);
        if (!check.IsOk)
        {
            return check;
        }

        var byteCount = (count + 7) / 8;
        if (pdu[1] != byteCount || pdu.Length != 2 + byteCount || destination.Length < count)
        {
            return ModbusResult.Invalid(ModbusFrameError.WrongLength);
        }

        UnpackBits(pdu.Slice(2, byteCount), destination[..count]);
        return ModbusResult.Success;
    }

    /// <summary>Decodes the response to FC 03/04 into <paramref name="destination"/>[..count].</summary>
    public static ModbusResult ReadRegistersResponse(ReadOnlySpan<byte> pdu, ModbusFunction function, int count, Span<ushort> destination)
    {
        var check = CheckFunction(pdu, function);
        if (!check.IsOk)
        {
            return check;
        }

        if (pdu[1] != count * 2 || pdu.Length != 2 + (count * 2) || destination.Length < count)
        {
            return ModbusResult.Invalid(ModbusFrameError.WrongLength);
        }

        for (var i = 0; i < count; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(pdu[(2 + (2 * i))..]);
        }

        return ModbusResult.Success;
    }

    /// <summary>
    /// FC 05/06 answer with an echo of the request (§6.5, §6.6); FC 15/16 with start and quantity (§6.11, §6.12):
    /// in every case the first 5 bytes of the response equal the first 5 of the request.
    /// </summary>
    public static ModbusResult WriteResponse(ReadOnlySpan<byte> pdu, ReadOnlySpan<byte> requestPdu)
    {
        if (requestPdu.Length < 5)
        {
            return ModbusResult.Invalid(ModbusFrameError.WrongLength);
        }

        var check = CheckFunction(pdu, (ModbusFunction)requestPdu[0]);
        if (!check.IsOk)
        {
            return check;
        }

        if (pdu.Length != 5)
        {
            return ModbusResult.Invalid(ModbusFrameError.WrongLength);
        }

        return pdu.SequenceEqual(requestPdu[..5]) ? ModbusResult.Success : ModbusResult.Invalid(ModbusFrameError.WrongEcho);
    }

    /// <summary>
    /// The length of the response PDU a slave will send for a request with <paramref name="function"/>, once the
    /// first <paramref name="known"/> bytes are in (function code and, for reads, the byte count), or -1 when it
    /// cannot yet be known; 0 when the function code is not one this master sends. Lets RTU framing stop reading at
    /// the frame's end instead of waiting for the t3.5 silence, which a USB adapter's latency would blur anyway.
    /// </summary>
    public static int ExpectedResponseLength(ReadOnlySpan<byte> known)
    {
        if (known.Length < 1)
        {
            return -1;
        }

        var fc = known[0];
        if ((fc & ExceptionFlag) != 0)
        {
            return 2;
        }

        switch ((ModbusFunction)fc)
        {
            case ModbusFunction.ReadCoils:
            case ModbusFunction.ReadDiscreteInputs:
            case ModbusFunction.ReadHoldingRegisters:
            case ModbusFunction.ReadInputRegisters:
                return known.Length < 2 ? -1 : 2 + known[1];
            case ModbusFunction.WriteSingleCoil:
            case ModbusFunction.WriteSingleRegister:
            case ModbusFunction.WriteMultipleCoils:
            case ModbusFunction.WriteMultipleRegisters:
                return 5;
            default:
                return 0;
        }
    }

    /// <summary>Packs bits LSB first into consecutive bytes (§6.1: "the LSB of the first data byte contains the output addressed in the query").</summary>
    public static void PackBits(ReadOnlySpan<bool> values, Span<byte> destination)
    {
        destination.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                destination[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    public static void UnpackBits(ReadOnlySpan<byte> packed, Span<bool> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (packed[i >> 3] & (1 << (i & 7))) != 0;
        }
    }
}
