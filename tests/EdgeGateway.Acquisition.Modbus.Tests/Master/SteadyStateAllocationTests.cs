using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Core.Signals;
using EdgeGateway.Testing.Modbus;

namespace EdgeGateway.Acquisition.Modbus.Tests.Master;

/// <summary>A steady-state transaction allocates nothing in our code: framing, CRC, retries' bookkeeping, health, decoding.</summary>
public class SteadyStateAllocationTests
{
    private const int Warmup = 50;
    private const int Measured = 300;

    [Fact]
    public async Task A_tcp_transaction_allocates_nothing()
    {
        var slave = new ModbusSlave(1, new ModbusDataStore(16, 16, 64, 64));
        await using var server = new ModbusTcpSlaveServer(slave);
        server.Start();
        using var master = new TcpModbusMaster(new TcpTransport("127.0.0.1", server.Endpoint.Port, TimeSpan.FromSeconds(2)));
        var values = new ushort[10];
        Assert.Equal(0, BytesAllocatedOverLoop(() => master.ReadHoldingRegisters(1, 0, 10, values)));
    }

    [Fact]
    public void An_rtu_transaction_allocates_nothing()
    {
        // The real slave behind an in-process wire, so only our master's framing is on this thread.
        var slave = new ModbusSlave(1, new ModbusDataStore(16, 16, 64, 64));
        using var master = new RtuModbusMaster(new InProcessRtuWire(slave), 115200);
        var values = new ushort[10];
        var bits = new bool[16];
        Assert.Equal(0, BytesAllocatedOverLoop(() => master.ReadHoldingRegisters(1, 0, 10, values)));
        Assert.Equal(0, BytesAllocatedOverLoop(() => master.ReadCoils(1, 0, 16, bits)));
        Assert.Equal(0, BytesAllocatedOverLoop(() => master.WriteSingleRegister(1, 3, 77)));
        Assert.Equal(0, BytesAllocatedOverLoop(() => master.ReadHoldingRegisters(1, 60, 10, values)));
        Assert.Equal(ModbusStatus.SlaveException, master.ReadHoldingRegisters(1, 60, 10, values).Status);
    }

    [Fact]
    public void Decoding_a_poll_into_a_sample_allocates_nothing()
    {
        var map = RegisterMapLoader.Load(RepositoryFiles.Find("hardware/register-maps/generic.json"), TimeSpan.FromMilliseconds(100));
        var block = Assert.Single(ReadPlanner.Plan(map));
        block.Registers[0] = 1;
        block.Registers[6] = 900;
        var builder = new ControllerSampleBuilder();
        var writer = new CountingWriter();
        var perPoll = BytesAllocatedOverLoop(() =>
        {
            builder.Clear();
            RegisterCodec.Decode(block, ref builder);
            builder.SetBoolean(SignalMask.Link, true);
            writer.TryWrite(builder.ToSample(42));
            return ModbusResult.Success;
        });
        Assert.Equal(0, perPoll);
        Assert.Equal(Warmup + Measured, writer.Count);
    }

    private static long BytesAllocatedOverLoop(Func<ModbusResult> transaction)
    {
        for (var i = 0; i < Warmup; i++)
        {
            transaction();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            transaction();
        }

        // The total, not a per-call average: a few bytes over the whole loop must fail too.
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private sealed class CountingWriter : Core.Acquisition.ISampleWriter
    {
        public int Count;

        public bool TryWrite(in LiftSample sample)
        {
            Count++;
            return sample.Link;
        }
    }
}

/// <summary>
/// An RTU wire inside the process: a written request frame is checked and answered by a real <see cref="ModbusSlave"/>
/// at once, and the answer is what the next reads return. For measuring the master alone.
/// </summary>
internal sealed class InProcessRtuWire : IModbusTransport
{
    private readonly ModbusSlave _slave;
    private readonly byte[] _response = new byte[256];
    private int _length;
    private int _position;

    public InProcessRtuWire(ModbusSlave slave) => _slave = slave;

    public string Description => "in-process wire";

    public bool IsOpen { get; private set; }

    public void Open() => IsOpen = true;

    public void Close() => IsOpen = false;

    public void Dispose() => Close();

    public void DiscardInput() => _position = _length;

    public void Write(ReadOnlySpan<byte> data)
    {
        _position = 0;
        _length = 0;
        if (!ModbusCrc.IsValid(data) || data[0] != _slave.SlaveId)
        {
            return;
        }

        var pdu = _slave.Handle(data[1..^2], _response.AsSpan(1));
        _length = pdu == 0 ? 0 : RtuFrame.Seal(_response, _slave.SlaveId, pdu);
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        var n = Math.Min(buffer.Length, _length - _position);
        _response.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
