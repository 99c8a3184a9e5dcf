using System.Buffers.Binary;
using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Slave;

/// <summary>
/// A Modbus slave (server) device: answers request PDUs from its <see cref="ModbusDataStore"/> with the function codes
/// the master speaks (01, 02, 03, 04, 05, 06, 15, 16) and the exception responses of §7 for anything else.
/// Framing (RTU, TCP) is the servers' job; this class never throws on any request bytes.
/// </summary>
public class ModbusSlave
{
    public ModbusSlave(byte slaveId, ModbusDataStore store)
    {
        SlaveId = slaveId;
        Store = store;
    }

    public byte SlaveId { get; }

    public ModbusDataStore Store { get; }

    /// <summary>Requests answered (normal or exception).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    private long _answered;

    /// <summary>
    /// Called before each request is handled, under the store's lock: refresh the tables from a live source.
    /// Return false to stay silent, like a controller that stopped answering.
    /// </summary>
    protected virtual bool BeforeRequest() => true;

    /// <summary>
    /// Handles one request PDU addressed to this slave. Returns the response PDU length in <paramref name="response"/>,
    /// or 0 when the slave stays silent (it is not answering at all).
    /// </summary>
    public int Handle(ReadOnlySpan<byte> request, Span<byte> response)
    {
        lock (Store.SyncRoot)
        {
            if (!BeforeRequest())
            {
                return 0;
            }

            Interlocked.Increment(ref _answered);
            if (request.IsEmpty)
            {
                return Exception(response, 0, ModbusExceptionCode.IllegalFunction);
            }

            var fc = request[0];
            return (ModbusFunction)fc switch
            {
                ModbusFunction.ReadCoils => ReadBits(request, response, Store.Coils),
                ModbusFunction.ReadDiscreteInputs => ReadBits(request, response, Store.DiscreteInputs),
                ModbusFunction.ReadHoldingRegisters => ReadRegisters(request, response, Store.HoldingRegisters),
                ModbusFunction.ReadInputRegisters => ReadRegisters(request, response, Store.InputRegisters),
                ModbusFunction.WriteSingleCoil => WriteSingleCoil(request, response),
                ModbusFunction.WriteSingleRegister => WriteSingleRegister(request, response),
                ModbusFunction.WriteMultipleCoils => WriteMultipleCoils(request, response),
                ModbusFunction.WriteMultipleRegisters => WriteMultipleRegisters(request, response),
                _ => Exception(response, fc, ModbusExceptionCode.IllegalFunction),
            };
        }
    }

    /// <summary>The length of a complete request PDU that starts with <paramref name="known"/>, -1 when more bytes are needed, 0 when unknown.</summary>
    public static int ExpectedRequestLength(ReadOnlySpan<byte> known)
    {
        if (known.IsEmpty)
        {
            return -1;
        }

        switch ((ModbusFunction)known[0])
        {
            case ModbusFunction.ReadCoils:
            case ModbusFunction.ReadDiscreteInputs:
            case ModbusFunction.ReadHoldingRegisters:
            case ModbusFunction.ReadInputRegisters:
            case ModbusFunction.WriteSingleCoil:
            case ModbusFunction.WriteSingleRegister:
                return 5;
            case ModbusFunction.WriteMultipleCoils:
            case ModbusFunction.WriteMultipleRegisters:
                return known.Length < 6 ? -1 : 6 + known[5];
            default:
                return 0;
        }
    }

    private static int Exception(Span<byte> response, byte fc, ModbusExceptionCode code)
    {
        response[0] = (byte)(fc | ModbusPdu.ExceptionFlag);
        response[1] = (byte)code;
        return 2;
    }

    private static int ReadBits(ReadOnlySpan<byte> request, Span<byte> response, bool[] table)
    {
        var fc = request[0];
        if (request.Length != 5)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataValue);
        }

        var start = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        if (count is < 1 or > ModbusLimits.MaxReadBits)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataValue);
        }

        if (start + count > table.Length)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataAddress);
        }

        var bytes = (count + 7) / 8;
        response[0] = fc;
        response[1] = (byte)bytes;
        ModbusPdu.PackBits(table.AsSpan(start, count), response.Slice(2, bytes));
        return 2 + bytes;
    }

    private static int ReadRegisters(ReadOnlySpan<byte> request, Span<byte> response, ushort[] table)
    {
        var fc = request[0];
        if (request.Length != 5)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataValue);
        }

        var start = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        if (count is < 1 or > ModbusLimits.MaxReadRegisters)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataValue);
        }

        if (start + count > table.Length)
        {
            return Exception(response, fc, ModbusExceptionCode.IllegalDataAddress);
        }

        response[0] = fc;
        response[1] = (byte)(count * 2);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(response[(2 + (2 * i))..], table[start + i]);
        }

        return 2 + (count * 2);
    }

    private int WriteSingleCoil(ReadOnlySpan<byte> request, Span<byte> response)
    {
        const byte Fc = (byte)ModbusFunction.WriteSingleCoil;
        if (request.Length != 5)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        var address = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        var value = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        if (value is not (ModbusPdu.CoilOn or 0))
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        if (address >= Store.Coils.Length)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataAddress);
        }

        Store.Coils[address] = value == ModbusPdu.CoilOn;
        request[..5].CopyTo(response);
        return 5;
    }

    private int WriteSingleRegister(ReadOnlySpan<byte> request, Span<byte> response)
    {
        const byte Fc = (byte)ModbusFunction.WriteSingleRegister;
        if (request.Length != 5)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        var address = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        if (address >= Store.HoldingRegisters.Length)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataAddress);
        }

        Store.HoldingRegisters[address] = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        request[..5].CopyTo(response);
        return 5;
    }

    private int WriteMultipleCoils(ReadOnlySpan<byte> request, Span<byte> response)
    {
        const byte Fc = (byte)ModbusFunction.WriteMultipleCoils;
        if (request.Length < 6)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        var start = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        var bytes = request[5];
        if (count is < 1 or > ModbusLimits.MaxWriteBits || bytes != (count + 7) / 8 || request.Length != 6 + bytes)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        if (start + count > Store.Coils.Length)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataAddress);
        }

        ModbusPdu.UnpackBits(request.Slice(6, bytes), Store.Coils.AsSpan(start, count));
        request[..5].CopyTo(response);
        return 5;
    }

    private int WriteMultipleRegisters(ReadOnlySpan<byte> request, Span<byte> response)
    {
        const byte Fc = (byte)ModbusFunction.WriteMultipleRegisters;
        if (request.Length < 6)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        var start = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        var bytes = request[5];
        if (count is < 1 or > ModbusLimits.MaxWriteRegisters || bytes != count * 2 || request.Length != 6 + bytes)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataValue);
        }

        if (start + count > Store.HoldingRegisters.Length)
        {
            return Exception(response, Fc, ModbusExceptionCode.IllegalDataAddress);
        }

        for (var i = 0; i < count; i++)
        {
            Store.HoldingRegisters[start + i] = BinaryPrimitives.ReadUInt16BigEndian(request[(6 + (2 * i))..]);
        }

        request[..5].CopyTo(response);
        return 5;
    }
}
