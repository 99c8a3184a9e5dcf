using EdgeGateway.Acquisition.Modbus.Maps;
using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Commissioning;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Simulation;
using EdgeGateway.Simulation.Board;
using EdgeGateway.Simulation.Lift;
using EdgeGateway.Simulation.ModbusServing;
using EdgeGateway.Simulation.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Pipeline;

/// <summary>How <c>edgegw run --simulate</c> connects the simulated lift to the pipeline.</summary>
public enum SimulatedWiring
{
    /// <summary>
    /// The real wire path (default): the controller is a Modbus TCP slave on 127.0.0.1 polled through the generic
    /// register map; door zone, presence, alarm button and mains come through the GPIO driver, the accelerometer through
    /// the I2C driver (LIS3DH), all on the simulated board.
    /// </summary>
    Drivers,

    /// <summary>The simulator hands its samples straight to the hot loop (no Modbus, GPIO or I2C in between).</summary>
    Direct,
}

/// <summary>Builds the acquisition sources of the simulated lift for the chosen wiring.</summary>
public sealed class SimulatedHardware : IAsyncDisposable
{
    private SimulatedControllerSlave? _slave;

    public SimulatedHardware(LiftProfile profile, SimulationOptions options, SimulatedWiring wiring, string dataDirectory)
    {
        Profile = options.ResolveProfile(profile);
        Options = options;
        Wiring = wiring;
        DataDirectory = dataDirectory;
    }

    public LiftProfile Profile { get; }

    public SimulationOptions Options { get; }

    public SimulatedWiring Wiring { get; }

    public string DataDirectory { get; }

    public SimulatedLift? Lift { get; private set; }

    public SimulatedBoard? Board { get; private set; }

    public IReadOnlyList<ISampleSource> CreateSources(MonotonicClock clock, ILoggerFactory loggers)
    {
        var lift = new SimulatedLift(Profile, Options, loggers.CreateLogger<SimulatedLift>());
        Lift = lift;
        var simulator = new SimulatedLiftSource(lift, clock, logger: loggers.CreateLogger<SimulatedLiftSource>());
        if (Wiring == SimulatedWiring.Direct)
        {
            return [simulator];
        }

        var board = new SimulatedBoard(lift, new SimulatedBoardOptions(), clock.TimeProvider);
        Board = board;
        var map = RegisterMapLoader.Load(ModbusControllerSource.ResolveMapPath(new ModbusOptions().MapFile), TimeSpan.FromMilliseconds(100));
        _slave = SimulatedControllerSlave.ServeTcp(lift, map, logger: loggers.CreateLogger<SimulatedControllerSlave>());
        // Everything now reaches the hot loop through a driver: the simulator itself writes no samples.
        lift.EmitSignals &= ~(board.CarriedSignals | SignalMask.Controller | SignalMask.Link);

        var modbus = new ModbusControllerSource(
            Microsoft.Extensions.Options.Options.Create(new ModbusOptions { Transport = "tcp", Endpoint = _slave.ModbusEndpoint, SlaveId = 1 }),
            clock, loggers.CreateLogger<ModbusControllerSource>());
        var gpio = new GpioInputSource(Microsoft.Extensions.Options.Options.Create(board.GpioOptions), board.GpioDrivers, clock,
            loggers.CreateLogger<GpioInputSource>());
        var accelerometer = new CalibratingAccelerometerSource(board, new CalibrationStore(Path.Combine(DataDirectory, "simulated-board")), clock, loggers);
        return [simulator, board, modbus, gpio, accelerometer];
    }

    public async ValueTask DisposeAsync()
    {
        if (_slave is not null)
        {
            await _slave.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The accelerometer of the simulated board as an installer leaves it: calibrated once (the vertical axis found from
    /// gravity while the car is at rest, stored in the data directory), then read through the LIS3DH driver.
    /// </summary>
    private sealed class CalibratingAccelerometerSource(SimulatedBoard board, CalibrationStore store, MonotonicClock clock, ILoggerFactory loggers)
        : ISampleSource
    {
        public string Name => AccelerometerSource.SensorName;

        public async Task RunAsync(ISampleWriter writer, ISensorHealthReporter health, CancellationToken cancellationToken)
        {
            var options = board.AccelerometerOptions;
            var logger = loggers.CreateLogger<AccelerometerSource>();
            while (store.Load().Status != CalibrationLoadStatus.Loaded)
            {
                options.TryGetChip(out var chip);
                var device = board.I2c.Open(options.Bus, options.EffectiveAddress(chip));
                var outcome = await AccelerometerCalibrationRun.RunAsync(AccelerometerDrivers.Create(chip, device), options.RateHz, options.RangeG,
                    clock, CalibrationCriteria.Default with { MinSamples = 400 }, DateTimeOffset.UtcNow, store, cancellationToken).ConfigureAwait(false);
                if (outcome.Accepted)
                {
                    logger.LogInformation("Simulated accelerometer calibrated: {Calibration}", outcome.Calibration!.Describe());
                    break;
                }

                // The car was moving: try again when it is at rest.
                logger.LogInformation("Simulated accelerometer calibration deferred: {Reason}", outcome.Reason);
                await Task.Delay(TimeSpan.FromSeconds(2), clock.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            using var source = new AccelerometerSource(Microsoft.Extensions.Options.Options.Create(options), board.I2c, store, clock, logger);
            await source.RunAsync(writer, health, cancellationToken).ConfigureAwait(false);
        }
    }
}
