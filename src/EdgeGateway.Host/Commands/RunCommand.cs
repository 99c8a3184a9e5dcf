using System.CommandLine;
using EdgeGateway.Host.Configuration;
using EdgeGateway.Host.Hosting;
using EdgeGateway.Host.LiveView;
using EdgeGateway.Host.Pipeline;
using EdgeGateway.Host.RemoteConfiguration;
using EdgeGateway.Simulation.Board;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Host.Commands;

/// <summary><c>edgegw run [--simulate]</c>: the service itself.</summary>
public static class RunCommand
{
    public static readonly Option<string?> ConfigOption = new("--config", "-c")
    {
        Description = "JSON configuration file (sections Gateway, Mqtt, Outbox, Detection, Modbus, Gpio, Accelerometer, Simulation).",
    };

    public static readonly Option<string?> DataOption = new("--data")
    {
        Description = "Data directory (outbox, counters, black box, logs); overrides Gateway:DataDirectory.",
    };

    public static readonly Option<string[]> SetOption = new("--set")
    {
        Description = "Override one configuration key, e.g. --set Mqtt:Host=127.0.0.1 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Command Create()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Run against the built-in simulated lift instead of hardware." };
        var wiring = new Option<SimulatedWiring>("--wiring")
        {
            Description = "With --simulate: 'drivers' (default) reads the simulated lift through Modbus TCP, GPIO and I2C drivers; 'direct' feeds the hot loop straight.",
            DefaultValueFactory = _ => SimulatedWiring.Drivers,
        };
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live view, even on a terminal." };
        var command = new Command("run", "Run the gateway service (under systemd, or interactively with a live view).");
        command.Options.Add(simulate);
        command.Options.Add(ConfigOption);
        command.Options.Add(DataOption);
        command.Options.Add(SetOption);
        command.Options.Add(wiring);
        command.Options.Add(plain);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(simulate) ? parse.GetValue(wiring) : null,
            parse.GetValue(ConfigOption),
            parse.GetValue(DataOption),
            parse.GetValue(SetOption) ?? [],
            parse.GetValue(plain),
            cancellationToken));
        return command;
    }

    /// <summary><c>edgegw record --out TRACE [--events EVENTS] [--duration S] [--simulate]</c>: the service, recording what it sees.</summary>
    public static Command CreateRecord()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Record the built-in simulated lift instead of hardware." };
        var output = new Option<string>("--out", "-o") { Description = "The edge-trace/1 file to write.", Required = true };
        var events = new Option<string?>("--events") { Description = "Also write the live run's events as edge-events/1 (to compare with a replay)." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var command = new Command("record", "Run the gateway and record every sample it processes as an edge-trace/1 file.");
        command.Options.Add(simulate);
        command.Options.Add(output);
        command.Options.Add(events);
        command.Options.Add(duration);
        command.Options.Add(ConfigOption);
        command.Options.Add(DataOption);
        command.Options.Add(SetOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(duration) is { } seconds)
            {
                limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            return await RunAsync(parse.GetValue(simulate) ? SimulatedWiring.Direct : null, parse.GetValue(ConfigOption), parse.GetValue(DataOption),
                parse.GetValue(SetOption) ?? [], plain: true, limit.Token, (Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(events) is { } e ? Path.GetFullPath(e) : null))
                .ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(SimulatedWiring? simulate, string? configFile, string? dataDirectory, string[] sets, bool plain,
        CancellationToken cancellationToken, (string Trace, string? Events)? recording = null)
    {
        ConfigurationLayers layers;
        try
        {
            layers = ConfigurationLayers.Read(configFile, ParseOverrides(sets, dataDirectory));
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"edgegw: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        var remote = LoadRemoteLayer(layers, simulate is not null);
        var configuration = layers.Compose(remote.Layer);

        // Every section validated once, before anything starts: all errors at once, each with its key, no I/O.
        var settings = GatewaySettings.Bind(configuration, simulate is not null, out var errors);
        if (settings is null)
        {
            await ReportConfigurationErrorsAsync(errors).ConfigureAwait(false);
            return 2;
        }

        var liveView = !plain && ConsoleLiveView.IsInteractive;
        var builder = GatewayHostBuilder.Create(configuration, consoleLogging: !liveView);
        ConfigureGateway(builder.Services, settings, simulate, liveView, recording, remote);
        using var host = builder.Build();
        if (remote.Problem is { } problem)
        {
            Log.RemoteLayerQuarantined(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeGateway"), remote.Store.Path, problem, remote.QuarantinedTo);
        }

        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (Exception ex) when (ConfigurationErrors.TryCollect(ex, out var failures))
        {
            await ReportConfigurationErrorsAsync(failures).ConfigureAwait(false);
            return 2;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReportConfigurationErrorsAsync(IReadOnlyList<string> failures)
    {
        await Console.Error.WriteLineAsync($"edgegw: the configuration has {failures.Count} error(s):").ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The remote layer set_config stored, if the box can run with it. A layer that cannot be read, or that no longer
    /// validates over the site file (a site file edited since, a newer version's stricter rules), is moved aside with
    /// the reason so the box starts on its site configuration instead of failing to start; the platform is told through
    /// the log, and get_config shows what is in effect.
    /// </summary>
    private static RemoteLayer LoadRemoteLayer(ConfigurationLayers layers, bool simulated)
    {
        var store = new RemoteConfigLayerStore(layers.DataDirectory);
        var layer = store.Load(out var problem, out var quarantinedTo);
        if (layer is not null)
        {
            GatewaySettings.Bind(layers.Compose(layer), simulated, out var errors);
            if (errors.Count > 0 && GatewaySettings.Bind(layers.Compose(null), simulated, out var siteErrors) is not null && siteErrors.Count == 0)
            {
                problem = "does not validate over the site configuration: " + string.Join("; ", errors);
                quarantinedTo = store.Quarantine(problem);
                layer = null;
            }
        }

        if (problem is not null)
        {
            Console.Error.WriteLine($"edgegw: warning: the remote configuration layer {store.Path} {problem}; running on the site configuration.");
        }

        return new RemoteLayer(store, layer, problem, quarantinedTo) { Layers = layers };
    }

    /// <summary>--set Key=Value pairs and --data, as the highest-priority configuration source.</summary>
    public static Dictionary<string, string?> ParseOverrides(IEnumerable<string> sets, string? dataDirectory)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in sets)
        {
            var eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--set '{set}' is not Key=Value (for example --set Mqtt:Host=127.0.0.1).");
            }

            overrides[set[..eq].Trim()] = set[(eq + 1)..];
        }

        if (dataDirectory is not null)
        {
            overrides[$"{GatewayOptions.SectionName}:DataDirectory"] = dataDirectory;
        }

        return overrides;
    }

    public static void ConfigureGateway(IServiceCollection services, GatewaySettings settings, SimulatedWiring? simulate, bool liveView,
        (string Trace, string? Events)? recording = null, RemoteLayer? remote = null)
    {
        services.AddSingleton(sp => new GatewayService(
            () => CreatePipeline(sp, settings, simulate, recording, remote),
            liveView,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GatewayService>>(),
            sp.GetRequiredService<IHostApplicationLifetime>()));
        services.AddHostedService(sp => sp.GetRequiredService<GatewayService>());
    }

    private static GatewayPipeline CreatePipeline(IServiceProvider services, GatewaySettings settings, SimulatedWiring? simulate,
        (string Trace, string? Events)? recording, RemoteLayer? remote)
    {
        var gateway = settings.Pipeline.Gateway;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger("EdgeGateway");
        Log.Starting(logger, typeof(RunCommand).Assembly.GetName().Version?.ToString() ?? "0", gateway.BoxId, gateway.Lift.Id,
            Path.GetFullPath(gateway.DataDirectory), simulate is { } w ? $"simulated lift ({w.ToString().ToLowerInvariant()} wiring)" : "hardware");

        AcquisitionFactory acquisition = simulate is { } wiring
            ? (s, clock, loggerFactory) =>
            {
                var hardware = new SimulatedHardware(s.Pipeline.Gateway.ToProfile(), s.Simulation!, wiring, s.Pipeline.Gateway.DataDirectory);
                return new AcquisitionParts(hardware.CreateSources(clock, loggerFactory), hardware);
            }
            : (s, clock, loggerFactory) => new AcquisitionParts(HardwareSources.Create(s, clock, loggerFactory));

        // The trace header's accel_hz: what the recorded accelerometer delivers (0 when the box has none).
        var accelHz = simulate is { } recordedWiring
            ? (recordedWiring == SimulatedWiring.Direct ? settings.Simulation!.AccelerometerHz : new SimulatedBoardOptions().AccelerometerRateHz)
            : settings.Accelerometer?.RateHz ?? 0;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        return new GatewayPipeline(settings, acquisition, loggers, services.GetRequiredService<TimeProvider>())
        {
            Recording = recording is { } r ? (r.Trace, r.Events, accelHz) : null,
            RemoteConfig = remote is null
                ? null
                : pipeline => new RemoteConfigTarget(remote.Layers, remote.Store, remote.Layer, settings, simulate is not null, pipeline,
                    _ =>
                    {
                        Environment.ExitCode = 1;
                        lifetime.StopApplication();
                    },
                    loggers.CreateLogger<RemoteConfigTarget>()),
        };
    }
}

/// <summary>The remote configuration layer the service started with, and where it is kept.</summary>
public sealed record RemoteLayer(RemoteConfigLayerStore Store, string? Layer, string? Problem, string? QuarantinedTo)
{
    public required ConfigurationLayers Layers { get; init; }
}
