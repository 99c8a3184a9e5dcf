using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Time;
using EdgeGateway.Host.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Pipeline;

/// <summary>
/// The acquisition sources of a real box: the lift controller over Modbus, the GPIO inputs and the I2C accelerometer,
/// each present when its configuration section is (a box without an accelerometer simply has no "Accelerometer").
/// </summary>
public static class HardwareSources
{
    public static IReadOnlyList<ISampleSource> Create(GatewaySettings settings, MonotonicClock clock, ILoggerFactory loggers)
    {
        var sources = new List<ISampleSource>();
        if (settings.Modbus is { } modbus)
        {
            sources.Add(new ModbusControllerSource(Options.Create(modbus), clock, loggers.CreateLogger<ModbusControllerSource>()));
        }

        if (settings.Gpio is { } gpio)
        {
            sources.Add(new GpioInputSource(Options.Create(gpio), new LibGpiodDriverFactory(), clock, loggers.CreateLogger<GpioInputSource>()));
        }

        if (settings.Accelerometer is { } accelerometer)
        {
            sources.Add(new AccelerometerSource(Options.Create(accelerometer), new LinuxI2cDeviceFactory(),
                new CalibrationStore(settings.Pipeline.Gateway.DataDirectory), clock, loggers.CreateLogger<AccelerometerSource>()));
        }

        if (sources.Count == 0)
        {
            loggers.CreateLogger(typeof(HardwareSources)).LogWarning(
                "No acquisition is configured (no Modbus, Gpio or Accelerometer section): the gateway only forwards what it already queued. "
                + "Use --simulate for the built-in simulated lift, or see deploy/edgegw.json.");
        }

        return sources;
    }
}
