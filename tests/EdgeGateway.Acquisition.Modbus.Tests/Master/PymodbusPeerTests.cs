using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Testing.Modbus;

namespace EdgeGateway.Acquisition.Modbus.Tests.Master;

/// <summary>Our master against an independent slave (pymodbus), over RTU on a socat pty pair and over TCP on loopback.</summary>
public abstract class PymodbusPeerTests : IDisposable
{
    // Generous timeout: pymodbus is slow on a loaded CI machine; nothing here asserts timing.
    protected static readonly ModbusMasterOptions FastOptions = new()
    {
        ResponseTimeout = TimeSpan.FromMilliseconds(1000),
        Retries = 1,
    };

    protected abstract IModbusMaster Master { get; }

    public abstract void Dispose();

    [Fact]
    public void Fc03_reads_holding_registers()
    {
        var values = new ushort[10];
        var result = Master.ReadHoldingRegisters(1, 0, 10, values);
        Assert.Equal(ModbusResult.Success, result);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ushort)i), values);
    }

    [Fact]
    public void Fc03_reads_the_maximum_of_125_registers()
    {
        var values = new ushort[125];
        Assert.True(Master.ReadHoldingRegisters(1, 50, 125, values).IsOk);
        Assert.Equal(50, values[0]);
        Assert.Equal(174, values[124]);
    }

    [Fact]
    public void Fc04_reads_input_registers()
    {
        var values = new ushort[3];
        Assert.True(Master.ReadInputRegisters(1, 7, 3, values).IsOk);
        Assert.Equal(new ushort[] { 1007, 1008, 1009 }, values);
    }

    [Fact]
    public void Fc01_reads_coils()
    {
        var values = new bool[13];
        Assert.True(Master.ReadCoils(1, 3, 13, values).IsOk);
        Assert.Equal(Enumerable.Range(3, 13).Select(i => i % 2 == 1), values);
    }

    [Fact]
    public void Fc02_reads_discrete_inputs()
    {
        var values = new bool[20];
        Assert.True(Master.ReadDiscreteInputs(1, 0, 20, values).IsOk);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 4 != 1), values);
    }

    [Fact]
    public void Fc05_and_fc15_write_coils_that_read_back()
    {
        Assert.True(Master.WriteSingleCoil(1, 150, true).IsOk);
        Assert.True(Master.WriteMultipleCoils(1, 160, [true, true, false, true, false, false, false, false, true]).IsOk);
        var back = new bool[10];
        Assert.True(Master.ReadCoils(1, 160, 10, back).IsOk);
        Assert.Equal(new[] { true, true, false, true, false, false, false, false, true, true }, back);
        var single = new bool[1];
        Assert.True(Master.ReadCoils(1, 150, 1, single).IsOk);
        Assert.True(single[0]);
    }

    [Fact]
    public void Fc06_and_fc16_write_registers_that_read_back()
    {
        Assert.True(Master.WriteSingleRegister(1, 180, 0xBEEF).IsOk);
        Assert.True(Master.WriteMultipleRegisters(1, 190, [1, 2, 65535]).IsOk);
        var back = new ushort[3];
        Assert.True(Master.ReadHoldingRegisters(1, 190, 3, back).IsOk);
        Assert.Equal(new ushort[] { 1, 2, 65535 }, back);
        Assert.True(Master.ReadHoldingRegisters(1, 180, 1, back).IsOk);
        Assert.Equal(0xBEEF, back[0]);
    }

    [Fact]
    public void Reading_past_the_table_is_an_illegal_data_address_result()
    {
        var result = Master.ReadHoldingRegisters(1, 190, 20, new ushort[20]);
        Assert.Equal(ModbusStatus.SlaveException, result.Status);
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, result.ExceptionCode);
        Assert.Equal(1, Master.Health.For(1).Snapshot().Exceptions);
        // The bus is still in step afterwards.
        Assert.True(Master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk);
    }

    [Fact]
    public void Health_counts_requests_and_latency()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.True(Master.ReadHoldingRegisters(1, 0, 4, new ushort[4]).IsOk);
        }

        var health = Master.Health.For(1).Snapshot();
        Assert.Equal(20, health.Requests);
        Assert.Equal(20, health.Responses);
        Assert.Equal(0, health.Timeouts);
        Assert.InRange(health.LatencyP50Micros, 1, 300_000);
        Assert.True(health.LatencyP99Micros >= health.LatencyP50Micros);
    }
}

public sealed class PymodbusRtuPeerTests : PymodbusPeerTests
{
    private readonly SocatPtyPair _pty = new();
    private readonly PymodbusSlave _slave;
    private readonly RtuModbusMaster _master;

    public PymodbusRtuPeerTests()
    {
        _slave = PymodbusSlave.Rtu(_pty.EndA, 115200, 1, 2);
        _master = new RtuModbusMaster(new SerialPortTransport(new SerialSettings(_pty.EndB, 115200)), 115200, FastOptions);
    }

    protected override IModbusMaster Master => _master;

    [Fact]
    public void A_slave_id_nobody_answers_to_times_out_after_the_retries()
    {
        var result = _master.ReadHoldingRegisters(9, 0, 1, new ushort[1]);
        Assert.Equal(ModbusStatus.Timeout, result.Status);
        var health = _master.Health.For(9).Snapshot();
        Assert.Equal(2, health.Requests);
        Assert.Equal(2, health.Timeouts);
        Assert.True(_master.ReadHoldingRegisters(2, 3, 1, new ushort[1]).IsOk, "the second slave on the bus answers");
    }

    [Fact]
    public void Broadcast_write_reaches_every_slave_without_a_reply()
    {
        Assert.True(_master.WriteSingleRegister(0, 170, 4242).IsOk);
        var value = new ushort[1];
        Assert.True(_master.ReadHoldingRegisters(1, 170, 1, value).IsOk);
        Assert.Equal(4242, value[0]);
        Assert.True(_master.ReadHoldingRegisters(2, 170, 1, value).IsOk);
        Assert.Equal(4242, value[0]);
    }

    public override void Dispose()
    {
        _master.Dispose();
        _slave.Dispose();
        _pty.Dispose();
    }
}

public sealed class PymodbusTcpPeerTests : PymodbusPeerTests
{
    private readonly PymodbusSlave _slave;
    private readonly TcpModbusMaster _master;

    public PymodbusTcpPeerTests()
    {
        _slave = PymodbusSlave.Tcp(1);
        _master = new TcpModbusMaster(new TcpTransport("127.0.0.1", _slave.TcpPort!.Value, TimeSpan.FromSeconds(2)), FastOptions);
    }

    protected override IModbusMaster Master => _master;

    [Fact]
    public void Transaction_ids_advance_per_request()
    {
        Assert.True(_master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk);
        var first = _master.LastTransactionId;
        Assert.True(_master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk);
        Assert.Equal((ushort)(first + 1), _master.LastTransactionId);
    }

    [Fact]
    public void A_unit_id_the_server_does_not_have_is_not_ok()
    {
        var result = _master.ReadHoldingRegisters(9, 0, 1, new ushort[1]);
        Assert.NotEqual(ModbusStatus.Ok, result.Status);
        Assert.True(_master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk, "the connection is still usable");
    }

    [Fact]
    public void A_server_that_stops_is_a_transport_fault_and_its_return_is_recovered()
    {
        Assert.True(_master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk);
        _slave.Stop();
        Assert.Throws<ModbusTransportException>(() => _master.ReadHoldingRegisters(1, 0, 1, new ushort[1]));
        Assert.Throws<ModbusTransportException>(() => _master.ReadHoldingRegisters(1, 0, 1, new ushort[1]));
        _slave.Start();
        Assert.True(_master.ReadHoldingRegisters(1, 0, 1, new ushort[1]).IsOk);
        var health = _master.Health.For(1).Snapshot();
        Assert.Equal(2, health.TransportFaults);
        Assert.Equal(1, health.Reopens);
    }

    public override void Dispose()
    {
        _master.Dispose();
        _slave.Dispose();
    }
}
