using EdgeGateway.Acquisition.Modbus.Polling;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Detection;
using EdgeGateway.Detection.BlackBox;
using EdgeGateway.Detection.HotLoop;
using EdgeGateway.Detection.Kpi;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Trips;
using EdgeGateway.Host.Pipeline;
using EdgeGateway.Outbox;
using EdgeGateway.Simulation;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Configuration;

/// <summary>
/// Every options section the running gateway is built from, bound from one configuration and validated together.
/// The hardware sections are null when the box does not have that part (no section) or runs the simulated lift.
/// </summary>
public sealed record GatewaySettings(
    PipelineSettings Pipeline,
    SimulationOptions? Simulation,
    ModbusOptions? Modbus,
    GpioOptions? Gpio,
    AccelerometerOptions? Accelerometer)
{
    /// <summary>Room left in an outbox message for a black-box chunk's envelope (capture id, indexes, sizes).</summary>
    private const int BlackBoxChunkEnvelopeBytes = 1024;

    /// <summary>Each section's path and its bound options object (what get_config shows).</summary>
    public IEnumerable<(string Section, object Options)> Sections()
    {
        var p = Pipeline;
        yield return (GatewayOptions.SectionName, p.Gateway);
        yield return (DetectionOptions.SectionName, p.Detection);
        yield return (HotLoopOptions.SectionName, p.HotLoop);
        yield return (TripOptions.SectionName, p.Trips);
        yield return (RideQualityOptions.SectionName, p.RideQuality);
        yield return (CounterOptions.SectionName, p.Counters);
        yield return (KpiOptions.SectionName, p.Kpi);
        yield return (BlackBoxOptions.SectionName, p.BlackBox);
        yield return (OutboxOptions.SectionName, p.Outbox);
        yield return (MqttUplinkOptions.SectionName, p.Mqtt);
        if (Simulation is not null)
        {
            yield return (SimulationOptions.SectionName, Simulation);
        }

        if (Modbus is not null)
        {
            yield return (ModbusOptions.SectionName, Modbus);
        }

        if (Gpio is not null)
        {
            yield return (GpioOptions.SectionName, Gpio);
        }

        if (Accelerometer is not null)
        {
            yield return (AccelerometerOptions.SectionName, Accelerometer);
        }
    }

    /// <summary>
    /// Binds and validates every section of <paramref name="configuration"/> with the same validators the host runs at
    /// start-up. No I/O: the configuration is already in memory. Returns null and every problem, each naming its key path,
    /// when anything is wrong.
    /// </summary>
    public static GatewaySettings? Bind(IConfiguration configuration, bool simulated, out IReadOnlyList<string> errors)
    {
        var settings = BindEvenIfInvalid(configuration, simulated, out errors);
        return errors.Count == 0 ? settings : null;
    }

    /// <summary>As <see cref="Bind"/>, but returns what was bound even when it is invalid (to list the keys a configuration sets).</summary>
    public static GatewaySettings BindEvenIfInvalid(IConfiguration configuration, bool simulated, out IReadOnlyList<string> errors)
    {
        var failures = new List<string>();
        var gateway = Section<GatewayOptions>(configuration, GatewayOptions.SectionName, new GatewayOptionsValidator(), failures);
        var data = string.IsNullOrWhiteSpace(gateway.DataDirectory) ? new GatewayOptions().DataDirectory : gateway.DataDirectory;

        // The store and the uplink's state live under the gateway's data directory unless configured on their own.
        var outbox = Section<OutboxOptions>(configuration, OutboxOptions.SectionName, new OutboxOptionsValidator(), failures,
            o => o.DataDirectory = configuration[$"{OutboxOptions.SectionName}:DataDirectory"] ?? Path.Combine(data, "outbox"));
        var mqtt = Section<MqttUplinkOptions>(configuration, MqttUplinkOptions.SectionName, new MqttUplinkOptionsValidator(), failures,
            o => o.StateDirectory = configuration[$"{MqttUplinkOptions.SectionName}:StateDirectory"] ?? Path.Combine(data, "uplink"));

        var pipeline = new PipelineSettings(
            gateway,
            Section<DetectionOptions>(configuration, DetectionOptions.SectionName, new DetectionOptionsValidator(), failures),
            Section<HotLoopOptions>(configuration, HotLoopOptions.SectionName, new HotLoopOptionsValidator(), failures),
            Section<TripOptions>(configuration, TripOptions.SectionName, new TripOptionsValidator(), failures),
            Section<RideQualityOptions>(configuration, RideQualityOptions.SectionName, new RideQualityOptionsValidator(), failures),
            Section<CounterOptions>(configuration, CounterOptions.SectionName, new CounterOptionsValidator(), failures),
            Section<KpiOptions>(configuration, KpiOptions.SectionName, new KpiOptionsValidator(), failures),
            Section<BlackBoxOptions>(configuration, BlackBoxOptions.SectionName, new BlackBoxOptionsValidator(), failures),
            outbox,
            mqtt);

        // Across sections: a black-box chunk is one outbox message, envelope included.
        if (mqtt.BlackBoxChunkBytes + BlackBoxChunkEnvelopeBytes > outbox.MaxPayloadBytes)
        {
            failures.Add($"{MqttUplinkOptions.SectionName}:BlackBoxChunkBytes: {mqtt.BlackBoxChunkBytes} does not fit {OutboxOptions.SectionName}:MaxPayloadBytes "
                + $"{outbox.MaxPayloadBytes} with its envelope (at most {outbox.MaxPayloadBytes - BlackBoxChunkEnvelopeBytes}).");
        }

        SimulationOptions? simulation = null;
        ModbusOptions? modbus = null;
        GpioOptions? gpio = null;
        AccelerometerOptions? accelerometer = null;
        if (simulated)
        {
            simulation = Section<SimulationOptions>(configuration, SimulationOptions.SectionName, new SimulationOptionsValidator(), failures);
        }
        else
        {
            modbus = OptionalSection<ModbusOptions>(configuration, ModbusOptions.SectionName, new ModbusOptionsValidator(), failures);
            gpio = OptionalSection<GpioOptions>(configuration, GpioOptions.SectionName, new GpioOptionsValidator(), failures);
            accelerometer = OptionalSection<AccelerometerOptions>(configuration, AccelerometerOptions.SectionName, new AccelerometerOptionsValidator(), failures);
        }

        errors = failures;
        return new GatewaySettings(pipeline, simulation, modbus, gpio, accelerometer);
    }

    private static T? OptionalSection<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> failures)
        where T : class, new() =>
        configuration.GetSection(section).Exists() ? Section(configuration, section, validator, failures) : null;

    private static T Section<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> failures,
        Action<T>? postConfigure = null)
        where T : class, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // "Failed to convert configuration value at 'Detection:EntrapmentSeconds' to type 'System.Double'." + the reason.
            failures.Add(ex.Message + (ex.InnerException is { } inner ? " " + inner.Message : string.Empty));
            return options;
        }

        postConfigure?.Invoke(options);
        var result = validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures ?? [result.FailureMessage]);
        }

        return options;
    }
}
