using System.Diagnostics;
using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>
/// Modbus TCP master (Modbus Messaging on TCP/IP Implementation Guide V1.0b): MBAP header with a transaction id that
/// increments per request; a response with an older transaction id (the late answer to a request that timed out)
/// is dropped and the wait goes on, so answers are never matched to the wrong request.
/// </summary>
public sealed class TcpModbusMaster : ModbusMaster
{
    private readonly byte[] _tx = new byte[ModbusLimits.MaxTcpFrameLength];
    private readonly byte[] _rx = new byte[ModbusLimits.MaxTcpFrameLength];
    private ushort _transactionId;

    public TcpModbusMaster(IModbusTransport transport, ModbusMasterOptions? options = null, ModbusHealthRegistry? health = null)
        : base(transport, options ?? new ModbusMasterOptions(), health)
    {
    }

    public ushort LastTransactionId => _transactionId;

    protected override Span<byte> RequestPdu => _tx.AsSpan(ModbusLimits.MbapHeaderLength);

    protected override ModbusResult Transact(byte unit, int pduLength, out ReadOnlySpan<byte> response)
    {
        response = default;
        _transactionId++;
        MbapHeader.Write(_tx, _transactionId, unit, pduLength);
        Transport.Write(_tx.AsSpan(0, ModbusLimits.MbapHeaderLength + pduLength));
        var deadline = Stopwatch.GetTimestamp() + (Options.ResponseTimeout.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);

        while (true)
        {
            var header = ReadExactly(_rx.AsSpan(0, ModbusLimits.MbapHeaderLength), deadline);
            if (header == 0)
            {
                return ModbusResult.NoResponse;
            }

            if (header < ModbusLimits.MbapHeaderLength)
            {
                return OutOfStep(ModbusFrameError.Truncated);
            }

            var error = MbapHeader.TryRead(_rx, out var transactionId, out var responseUnit, out var responsePduLength);
            if (error != ModbusFrameError.None)
            {
                return OutOfStep(error);
            }

            var pdu = _rx.AsSpan(ModbusLimits.MbapHeaderLength, responsePduLength);
            if (ReadExactly(pdu, deadline) < pdu.Length)
            {
                return OutOfStep(ModbusFrameError.Truncated);
            }

            if (transactionId != _transactionId)
            {
                continue;
            }

            if (responseUnit != unit)
            {
                return ModbusResult.Invalid(ModbusFrameError.WrongSlave);
            }

            response = pdu;
            return ModbusResult.Success;
        }
    }

    /// <summary>
    /// A byte stream that stopped mid-ADU or carries a header no server would send is out of step: nothing after it
    /// can be framed. Close the connection; the next attempt reconnects and starts clean.
    /// </summary>
    private ModbusResult OutOfStep(ModbusFrameError error)
    {
        Transport.Close();
        return ModbusResult.Invalid(error);
    }

    /// <summary>Reads until the buffer is full or the deadline passes; returns how many bytes came.</summary>
    private int ReadExactly(Span<byte> buffer, long deadline)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                break;
            }

            var read = Transport.Read(buffer[got..], TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            if (read == 0)
            {
                break;
            }

            got += read;
        }

        return got;
    }
}
