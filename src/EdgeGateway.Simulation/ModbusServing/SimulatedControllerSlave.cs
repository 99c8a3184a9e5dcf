using System.Net;
using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Slave;
using EdgeGateway.Acquisition.Modbus.Transport;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Simulation.ModbusServing;

/// <summary>
/// The simulated lift's controller as a Modbus slave, so the gateway reads the simulator over the real wire path
/// (master, framing, register map, poller) instead of being handed samples. Serves a register map (normally
/// hardware/register-maps/generic.json) over TCP on 127.0.0.1 or over RTU on a serial device such as one end of a
/// socat pty pair. Every request is answered from the lift's current <see cref="LiftSnapshot"/>; while the snapshot
/// says the controller is not answering (<see cref="LiftSnapshot.Link"/> false, e.g. the LinkLoss or MainsLoss
/// faults) the slave is silent, exactly like the real thing.
/// </summary>
public sealed class SimulatedControllerSlave : IAsyncDisposable
{
    private readonly ModbusTcpSlaveServer? _tcp;
    private readonly ModbusRtuSlaveServer? _rtu;

    private SimulatedControllerSlave(ControllerSlave slave, ModbusTcpSlaveServer? tcp, ModbusRtuSlaveServer? rtu, string description)
    {
        Slave = slave;
        _tcp = tcp;
        _rtu = rtu;
        Description = description;
    }

    public ControllerSlave Slave { get; }

    /// <summary>Where it serves: "127.0.0.1:40123" or "/tmp/sim/a 115200 8N1".</summary>
    public string Description { get; }

    /// <summary>The bound TCP endpoint, or null when serving a serial device.</summary>
    public IPEndPoint? Endpoint => _tcp?.Endpoint;

    /// <summary>The "host:port" to put in Modbus:Endpoint for the gateway to poll this slave (TCP only).</summary>
    public string? ModbusEndpoint => _tcp is null ? null : $"{_tcp.Endpoint.Address}:{_tcp.Endpoint.Port}";

    /// <summary>Serves <paramref name="snapshot"/> over Modbus TCP; binds 127.0.0.1 and a free port unless told otherwise.</summary>
    public static SimulatedControllerSlave ServeTcp(Func<LiftSnapshot> snapshot, RegisterMap map, byte slaveId = 1, IPEndPoint? endpoint = null, ILogger? logger = null)
    {
        var slave = new ControllerSlave(slaveId, map, () => ToControllerState(snapshot()));
        var server = new ModbusTcpSlaveServer(slave, endpoint ?? new IPEndPoint(IPAddress.Loopback, 0), logger);
        server.Start();
        return new SimulatedControllerSlave(slave, server, null, server.Endpoint.ToString());
    }

    public static SimulatedControllerSlave ServeTcp(SimulatedLift lift, RegisterMap map, byte slaveId = 1, IPEndPoint? endpoint = null, ILogger? logger = null) =>
        ServeTcp(() => lift.Snapshot, map, slaveId, endpoint, logger);

    /// <summary>Serves <paramref name="snapshot"/> over Modbus RTU on <paramref name="device"/> (8N1: ptys reject even parity).</summary>
    public static SimulatedControllerSlave ServeSerial(Func<LiftSnapshot> snapshot, RegisterMap map, string device, int baudRate = 115200, byte slaveId = 1, ILogger? logger = null)
    {
        var slave = new ControllerSlave(slaveId, map, () => ToControllerState(snapshot()));
        var settings = new SerialSettings(device, baudRate);
        var server = new ModbusRtuSlaveServer(slave, new SerialPortTransport(settings), baudRate, logger);
        server.Start();
        return new SimulatedControllerSlave(slave, null, server, settings.ToString());
    }

    public static SimulatedControllerSlave ServeSerial(SimulatedLift lift, RegisterMap map, string device, int baudRate = 115200, byte slaveId = 1, ILogger? logger = null) =>
        ServeSerial(() => lift.Snapshot, map, device, baudRate, slaveId, logger);

    /// <summary>What the controller shows: its signals and whether it answers at all.</summary>
    public static LiftState ToControllerState(in LiftSnapshot s)
    {
        var state = new LiftState();
        state.Apply(new LiftSample(s.TimeMicros, SignalMask.Controller | SignalMask.Link | SignalMask.Inputs, s.Mode, s.Floor, s.Dir, s.Run, s.Door, s.Lock, s.Safety,
            s.Fault, s.SpeedMmS, s.Link, s.Zone, s.Occupied, s.Alarm, s.Mains, 0, 0, 0));
        return state;
    }

    public async ValueTask DisposeAsync()
    {
        if (_tcp is not null)
        {
            await _tcp.DisposeAsync().ConfigureAwait(false);
        }

        if (_rtu is not null)
        {
            await _rtu.DisposeAsync().ConfigureAwait(false);
        }
    }
}
