using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Master;
using EdgeGateway.Acquisition.Modbus.Protocol;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Core.Signals;
using EdgeGateway.Testing.Modbus;

namespace EdgeGateway.Acquisition.Modbus.Tests.Slave;

public class ModbusSlaveTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static string Answer(ModbusSlave slave, string requestHex)
    {
        var response = new byte[256];
        var length = slave.Handle(Hex(requestHex), response);
        return Convert.ToHexString(response, 0, length);
    }

    [Fact]
    public void Literal_requests_get_literal_answers_and_spec_exceptions()
    {
        var slave = new ModbusSlave(1, new ModbusDataStore(16, 16, 16, 16));
        slave.Store.HoldingRegisters[0] = 0x1234;
        Assert.Equal("03021234", Answer(slave, "03 0000 0001"));
        Assert.Equal("AB01", Answer(slave, "2B 0E 01 00"));           // 01 ILLEGAL FUNCTION
        Assert.Equal("8302", Answer(slave, "03 000F 0002"));          // 02 ILLEGAL DATA ADDRESS
        Assert.Equal("8303", Answer(slave, "03 0000 0000"));          // 03 ILLEGAL DATA VALUE (quantity 0)
        Assert.Equal("8503", Answer(slave, "05 0001 1234"));          // coil value neither FF00 nor 0000
        Assert.Equal("0500 01FF 00".Replace(" ", ""), Answer(slave, "05 0001 FF00"));
        Assert.True(slave.Store.Coils[1]);
        Assert.Equal("10000200 02".Replace(" ", ""), Answer(slave, "10 0002 0002 04 000A 0102"));
        Assert.Equal(new ushort[] { 0x000A, 0x0102 }, slave.Store.HoldingRegisters[2..4]);
        Assert.Equal("9003", Answer(slave, "10 0002 0002 03 000A 01"));   // byte count does not match quantity
    }

    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public void Arbitrary_request_bytes_never_throw(byte[] request)
    {
        var slave = new ModbusSlave(1, new ModbusDataStore(100, 100, 100, 100));
        var response = new byte[256];
        var length = slave.Handle(request, response);
        Assert.InRange(length, 2, 253);
    }

    [Fact]
    public async Task Our_master_and_our_tcp_slave_agree_on_every_function_code()
    {
        var slave = new ModbusSlave(3, new ModbusDataStore(64, 64, 64, 64));
        for (var i = 0; i < 64; i++)
        {
            slave.Store.InputRegisters[i] = (ushort)(500 + i);
            slave.Store.DiscreteInputs[i] = i % 3 == 0;
        }

        await using var server = new ModbusTcpSlaveServer(slave);
        server.Start();
        Assert.Equal("127.0.0.1", server.Endpoint.Address.ToString());
        // The slave answers every request here; a generous timeout keeps a loaded machine's scheduling out of it.
        using var master = new TcpModbusMaster(new TcpTransport("127.0.0.1", server.Endpoint.Port, TimeSpan.FromSeconds(2)),
            new ModbusMasterOptions { ResponseTimeout = TimeSpan.FromSeconds(2) });
        Exercise(master, 3);
        Assert.Equal(ModbusExceptionCode.GatewayTargetDeviceFailedToRespond, master.ReadHoldingRegisters(9, 0, 1, new ushort[1]).ExceptionCode);
    }

    [Fact]
    public async Task Our_master_and_our_rtu_slave_agree_over_a_pty()
    {
        using var pty = new SocatPtyPair();
        var slave = new ModbusSlave(3, new ModbusDataStore(64, 64, 64, 64));
        for (var i = 0; i < 64; i++)
        {
            slave.Store.InputRegisters[i] = (ushort)(500 + i);
            slave.Store.DiscreteInputs[i] = i % 3 == 0;
        }

        await using var server = new ModbusRtuSlaveServer(slave, new SerialPortTransport(new SerialSettings(pty.EndA, 38400)), 38400);
        server.Start();
        using var master = new RtuModbusMaster(new SerialPortTransport(new SerialSettings(pty.EndB, 38400)), 38400,
            new ModbusMasterOptions { ResponseTimeout = TimeSpan.FromSeconds(1), Retries = 1 });
        Exercise(master, 3);
        Assert.Equal(ModbusStatus.Timeout, master.ReadHoldingRegisters(9, 0, 1, new ushort[1]).Status);
    }

    private static void Exercise(IModbusMaster master, byte id)
    {
        Assert.True(master.WriteSingleRegister(id, 1, 111).IsOk);
        Assert.True(master.WriteMultipleRegisters(id, 2, [222, 333]).IsOk);
        var registers = new ushort[3];
        Assert.True(master.ReadHoldingRegisters(id, 1, 3, registers).IsOk);
        Assert.Equal(new ushort[] { 111, 222, 333 }, registers);
        Assert.True(master.ReadInputRegisters(id, 10, 3, registers).IsOk);
        Assert.Equal(new ushort[] { 510, 511, 512 }, registers);
        Assert.True(master.WriteSingleCoil(id, 5, true).IsOk);
        Assert.True(master.WriteMultipleCoils(id, 6, [true, false, true]).IsOk);
        var bits = new bool[4];
        Assert.True(master.ReadCoils(id, 5, 4, bits).IsOk);
        Assert.Equal(new[] { true, true, false, true }, bits);
        Assert.True(master.ReadDiscreteInputs(id, 0, 4, bits).IsOk);
        Assert.Equal(new[] { true, false, false, true }, bits);
        var result = master.ReadHoldingRegisters(id, 60, 10, new ushort[10]);
        Assert.Equal("exception 02 ILLEGAL DATA ADDRESS", result.ToString());
    }

    [Fact]
    public async Task A_controller_slave_serves_its_state_and_falls_silent_when_the_link_is_down()
    {
        var map = RegisterMapLoader.Load(RepositoryFiles.Find("hardware/register-maps/generic.json"), TimeSpan.FromMilliseconds(100));
        var state = new LiftState();
        state.Apply(new LiftSample(1, SignalMask.Controller | SignalMask.Link, LiftMode.Normal, 4, TravelDirection.Up, true, DoorState.Closed,
            true, true, 0, 900, true, false, false, false, false, 0, 0, 0));
        var current = state;
        var slave = new ControllerSlave(1, map, () => current);
        await using var server = new ModbusTcpSlaveServer(slave);
        server.Start();
        using var master = new TcpModbusMaster(new TcpTransport("127.0.0.1", server.Endpoint.Port, TimeSpan.FromSeconds(2)),
            new ModbusMasterOptions { ResponseTimeout = TimeSpan.FromSeconds(1), Retries = 0 });
        var registers = new ushort[8];
        Assert.True(master.ReadHoldingRegisters(1, 0, 8, registers).IsOk);
        Assert.Equal(new ushort[] { 1, 4, 1, 0, 0, 0, 900, 0b111 }, registers);
        Assert.Equal(ModbusStatus.SlaveException, master.ReadHoldingRegisters(1, 8, 1, new ushort[1]).Status);

        current.Apply(LiftSample.Input(2, SignalMask.Link, false));
        Assert.Equal(ModbusStatus.Timeout, master.ReadHoldingRegisters(1, 0, 8, registers).Status);
        current.Apply(LiftSample.Input(3, SignalMask.Link, true));
        Assert.True(master.ReadHoldingRegisters(1, 0, 8, registers).IsOk);
    }
}
