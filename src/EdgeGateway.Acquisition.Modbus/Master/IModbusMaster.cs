using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Protocol;

namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>
/// A Modbus master (client), shaped like NModbus's <c>IModbusMaster</c> but Span-based: values are read into and
/// written from caller buffers, and outcomes are <see cref="ModbusResult"/> values. A slave's exception response
/// is a result naming the code; a vanished port or broken connection throws
/// <see cref="Transport.ModbusTransportException"/>. One transaction at a time (a bus is half duplex).
/// </summary>
public interface IModbusMaster : IDisposable
{
    ModbusHealthRegistry Health { get; }

    /// <summary>FC 01. <paramref name="destination"/> receives <paramref name="count"/> coils.</summary>
    ModbusResult ReadCoils(byte slave, ushort start, ushort count, Span<bool> destination);

    /// <summary>FC 02.</summary>
    ModbusResult ReadDiscreteInputs(byte slave, ushort start, ushort count, Span<bool> destination);

    /// <summary>FC 03.</summary>
    ModbusResult ReadHoldingRegisters(byte slave, ushort start, ushort count, Span<ushort> destination);

    /// <summary>FC 04.</summary>
    ModbusResult ReadInputRegisters(byte slave, ushort start, ushort count, Span<ushort> destination);

    /// <summary>FC 05.</summary>
    ModbusResult WriteSingleCoil(byte slave, ushort address, bool value);

    /// <summary>FC 06.</summary>
    ModbusResult WriteSingleRegister(byte slave, ushort address, ushort value);

    /// <summary>FC 15.</summary>
    ModbusResult WriteMultipleCoils(byte slave, ushort start, ReadOnlySpan<bool> values);

    /// <summary>FC 16.</summary>
    ModbusResult WriteMultipleRegisters(byte slave, ushort start, ReadOnlySpan<ushort> values);
}
