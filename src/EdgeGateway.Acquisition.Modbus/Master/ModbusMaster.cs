using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>
/// What RTU and TCP masters share: request building, retries, response decoding and health accounting. A subclass
/// frames one PDU and returns the response PDU. All buffers are allocated once; a transaction allocates nothing.
/// </summary>
public abstract class ModbusMaster : IModbusMaster
{
    private readonly Lock _gate = new();
    private readonly byte[] _requestCopy = new byte[ModbusLimits.MaxPduLength];
    private bool _openedBefore;

    protected ModbusMaster(IModbusTransport transport, ModbusMasterOptions options, ModbusHealthRegistry? health)
    {
        Transport = transport;
        Options = options;
        Health = health ?? new ModbusHealthRegistry();
    }

    public ModbusHealthRegistry Health { get; }

    public IModbusTransport Transport { get; }

    public ModbusMasterOptions Options { get; }

    /// <summary>Where subclasses want the request PDU written (inside their frame buffer, after their header).</summary>
    protected abstract Span<byte> RequestPdu { get; }

    public ModbusResult ReadCoils(byte slave, ushort start, ushort count, Span<bool> destination) =>
        ReadBits(ModbusFunction.ReadCoils, slave, start, count, destination);

    public ModbusResult ReadDiscreteInputs(byte slave, ushort start, ushort count, Span<bool> destination) =>
        ReadBits(ModbusFunction.ReadDiscreteInputs, slave, start, count, destination);

    public ModbusResult ReadHoldingRegisters(byte slave, ushort start, ushort count, Span<ushort> destination) =>
        ReadRegisters(ModbusFunction.ReadHoldingRegisters, slave, start, count, destination);

    public ModbusResult ReadInputRegisters(byte slave, ushort start, ushort count, Span<ushort> destination) =>
        ReadRegisters(ModbusFunction.ReadInputRegisters, slave, start, count, destination);

    public ModbusResult WriteSingleCoil(byte slave, ushort address, bool value)
    {
        lock (_gate)
        {
            var length = ModbusPdu.WriteSingleCoilRequest(RequestPdu, address, value);
            return ExecuteWrite(slave, length);
        }
    }

    public ModbusResult WriteSingleRegister(byte slave, ushort address, ushort value)
    {
        lock (_gate)
        {
            var length = ModbusPdu.WriteSingleRegisterRequest(RequestPdu, address, value);
            return ExecuteWrite(slave, length);
        }
    }

    public ModbusResult WriteMultipleCoils(byte slave, ushort start, ReadOnlySpan<bool> values)
    {
        CheckQuantity(values.Length, ModbusLimits.MaxWriteBits, nameof(values));
        CheckRange(start, values.Length);
        lock (_gate)
        {
            var length = ModbusPdu.WriteMultipleCoilsRequest(RequestPdu, start, values);
            return ExecuteWrite(slave, length);
        }
    }

    public ModbusResult WriteMultipleRegisters(byte slave, ushort start, ReadOnlySpan<ushort> values)
    {
        CheckQuantity(values.Length, ModbusLimits.MaxWriteRegisters, nameof(values));
        CheckRange(start, values.Length);
        lock (_gate)
        {
            var length = ModbusPdu.WriteMultipleRegistersRequest(RequestPdu, start, values);
            return ExecuteWrite(slave, length);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Transport.Dispose();
        }
    }

    /// <summary>
    /// Sends the request PDU already in <see cref="RequestPdu"/> and receives one response. Returns Ok with the
    /// response PDU's location in <paramref name="response"/>, or Timeout/InvalidResponse. Throws
    /// <see cref="ModbusTransportException"/> when the medium fails.
    /// </summary>
    protected abstract ModbusResult Transact(byte slave, int pduLength, out ReadOnlySpan<byte> response);

    protected static long ElapsedMicros(long startTimestamp) =>
        (long)((Stopwatch.GetTimestamp() - startTimestamp) * (1_000_000.0 / Stopwatch.Frequency));

    private ModbusResult ReadBits(ModbusFunction function, byte slave, ushort start, ushort count, Span<bool> destination)
    {
        CheckQuantity(count, ModbusLimits.MaxReadBits, nameof(count));
        CheckRange(start, count);
        if (destination.Length < count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values, {count} requested.", nameof(destination));
        }

        lock (_gate)
        {
            var length = ModbusPdu.WriteReadRequest(RequestPdu, function, start, count);
            var result = Execute(slave, length, out var response);
            return result.IsOk ? Account(slave, ModbusPdu.ReadBitsResponse(response, function, count, destination)) : result;
        }
    }

    private ModbusResult ReadRegisters(ModbusFunction function, byte slave, ushort start, ushort count, Span<ushort> destination)
    {
        CheckQuantity(count, ModbusLimits.MaxReadRegisters, nameof(count));
        CheckRange(start, count);
        if (destination.Length < count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values, {count} requested.", nameof(destination));
        }

        lock (_gate)
        {
            var length = ModbusPdu.WriteReadRequest(RequestPdu, function, start, count);
            var result = Execute(slave, length, out var response);
            return result.IsOk ? Account(slave, ModbusPdu.ReadRegistersResponse(response, function, count, destination)) : result;
        }
    }

    private ModbusResult ExecuteWrite(byte slave, int length)
    {
        RequestPdu[..length].CopyTo(_requestCopy);
        var result = Execute(slave, length, out var response);
        if (!result.IsOk || slave == 0)
        {
            return result;
        }

        return Account(slave, ModbusPdu.WriteResponse(response, _requestCopy.AsSpan(0, length)));
    }

    /// <summary>Counts an exception response or a response whose PDU did not fit the request.</summary>
    private ModbusResult Account(byte slave, ModbusResult decoded)
    {
        if (decoded.Status == ModbusStatus.SlaveException)
        {
            Health.For(slave).RecordException();
        }
        else if (decoded.Status == ModbusStatus.InvalidResponse)
        {
            Health.For(slave).RecordInvalidResponse();
        }

        return decoded;
    }

    /// <summary>One request with bounded retries on silence or garbage; an answer of any kind ends it.</summary>
    private ModbusResult Execute(byte slave, int pduLength, out ReadOnlySpan<byte> response)
    {
        var health = Health.For(slave);
        var attempts = 1 + Math.Max(0, Options.Retries);
        var result = ModbusResult.NoResponse;
        response = default;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            health.RecordRequest();
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (!Transport.IsOpen)
                {
                    Transport.Open();
                    if (_openedBefore)
                    {
                        health.RecordReopen();
                    }

                    _openedBefore = true;
                }

                result = Transact(slave, pduLength, out response);
            }
            catch (ModbusTransportException)
            {
                health.RecordTransportFault();
                Transport.Close();
                throw;
            }

            switch (result.Status)
            {
                case ModbusStatus.Ok:
                    health.RecordResponse(ElapsedMicros(started));
                    return result;
                case ModbusStatus.Timeout:
                    health.RecordTimeout();
                    break;
                default:
                    if (result.FrameError == ModbusFrameError.Crc)
                    {
                        health.RecordCrcError();
                    }
                    else
                    {
                        health.RecordInvalidResponse();
                    }

                    break;
            }
        }

        return result;
    }

    private static void CheckQuantity(int count, int max, string name)
    {
        if (count < 1 || count > max)
        {
            throw new ArgumentOutOfRangeException(name, count, $"Quantity must be 1..{max} (Modbus Application Protocol §6).");
        }
    }

    private static void CheckRange(ushort start, int count)
    {
        if (start + count > 0x10000)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Addresses {start}..{start + count - 1} run past 65535.");
        }
    }
}
