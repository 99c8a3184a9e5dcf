using EdgeGateway.Acquisition.Modbus.Health;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Modbus.Transport;

namespace EdgeGateway.Acquisition.Modbus.Master;

/// <summary>Builds the master the options describe. Opens nothing: the first transaction opens the port.</summary>
public static class ModbusMasterFactory
{
    public static ModbusMaster Create(ModbusOptions options, ModbusHealthRegistry? health = null)
    {
        var masterOptions = options.ToMasterOptions();
        if (options.IsTcp)
        {
            if (!ModbusEndpoint.TryParse(options.Endpoint, out var host, out var port))
            {
                throw new ArgumentException($"Modbus:Endpoint '{options.Endpoint}' is not host:port.", nameof(options));
            }

            // Connecting is one round trip more than a request; give it a few response timeouts.
            var connectTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, options.ResponseTimeoutMs * 4));
            return new TcpModbusMaster(new TcpTransport(host, port, connectTimeout), masterOptions, health);
        }

        return new RtuModbusMaster(new SerialPortTransport(options.ToSerialSettings()), options.BaudRate, masterOptions, health);
    }
}
