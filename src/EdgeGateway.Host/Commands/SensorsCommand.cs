using System.CommandLine;
using System.Globalization;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using EdgeGateway.Acquisition.Sensors.Commissioning;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Host.Hosting;
using EdgeGateway.Simulation;
using EdgeGateway.Simulation.Board;
using EdgeGateway.Simulation.Lift;
using EdgeGateway.Simulation.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace EdgeGateway.Host.Commands;

/// <summary>
/// <c>edgegw sensors</c>: the installer's view of the box's own sensors. Shows the GPIO inputs and the accelerometer
/// live (a table on a terminal, one plain line a second otherwise); <c>--check</c> prompts for each wire and ends with
/// a pass/fail summary that is also written to the data directory; <c>--calibrate</c> stores the accelerometer's
/// vertical axis; <c>--simulate</c> runs all of it against the simulated board. The logic lives in
/// EdgeGateway.Acquisition.Sensors.Commissioning; this class only wires it to the console.
/// </summary>
public static class SensorsCommand
{
    public static Command Create()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Use the simulated board (a simulated lift behind simulated GPIO and I2C) instead of hardware." };
        var check = new Option<bool>("--check") { Description = "Prompt for each wire (\"press the alarm button now\") and print a pass/fail summary." };
        var calibrate = new Option<bool>("--calibrate") { Description = "Find the accelerometer's vertical axis with the car at rest and store it." };
        var config = new Option<string?>("--config") { Description = "JSON configuration file (sections Gateway, Gpio, Accelerometer)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each action in --check.", DefaultValueFactory = _ => 60 };
        var command = new Command("sensors", "Show the box's inputs and accelerometer live; --check walks through every wire, --calibrate stores the vertical axis.");
        command.Options.Add(simulate);
        command.Options.Add(check);
        command.Options.Add(calibrate);
        command.Options.Add(config);
        command.Options.Add(timeout);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(simulate), parseResult.GetValue(check), parseResult.GetValue(calibrate), parseResult.GetValue(config),
            TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout))), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool simulate, bool check, bool calibrate, string? configFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var terminal = !Console.IsOutputRedirected;
        IConfigurationRoot configuration;
        try
        {
            configuration = GatewayHostBuilder.BuildConfiguration(configFile, new Dictionary<string, string?>());
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"edgegw sensors: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        var dataDirectory = configuration["Gateway:DataDirectory"] ?? "data";
        var clock = MonotonicClock.System;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var background = new List<Task>();
        var readings = new SensorReadings();
        GpioOptions gpioOptions;
        AccelerometerOptions accelerometerOptions;
        IGpioDriverFactory gpioDrivers;
        II2cDeviceFactory i2c;
        SimulatedBoard? board = null;
        CalibrationStore store;
        if (simulate)
        {
            // An idle car (no traffic) so prompts and calibration see a still box; the board carries every sensor signal.
            var lift = new SimulatedLift(LiftProfile.Default, new SimulationOptions { Scenario = SimulationScenario.Traffic, TrafficCallsPerHour = 0, AlarmPressesPerHour = 0 });
            lift.EmitSignals = SignalMask.None;
            board = new SimulatedBoard(lift, time: clock.TimeProvider);
            gpioOptions = board.GpioOptions;
            accelerometerOptions = board.AccelerometerOptions;
            gpioDrivers = board.GpioDrivers;
            i2c = board.I2c;
            store = new CalibrationStore(Path.Combine(dataDirectory, "simulated-board"));
            background.Add(new SimulatedLiftSource(lift, clock).RunAsync(NullSink.Instance, readings, stop.Token));
            background.Add(board.RunAsync(NullSink.Instance, readings, stop.Token));
        }
        else
        {
            gpioOptions = new GpioOptions();
            configuration.GetSection(GpioOptions.SectionName).Bind(gpioOptions);
            accelerometerOptions = new AccelerometerOptions();
            configuration.GetSection(AccelerometerOptions.SectionName).Bind(accelerometerOptions);
            gpioDrivers = new LibGpiodDriverFactory();
            i2c = new LinuxI2cDeviceFactory();
            store = new CalibrationStore(dataDirectory);
        }

        var errors = new List<string>();
        errors.AddRange(new GpioOptionsValidator().Validate(null, gpioOptions).Failures ?? []);
        errors.AddRange(new AccelerometerOptionsValidator().Validate(null, accelerometerOptions).Failures ?? []);
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync("edgegw sensors: invalid configuration:").ConfigureAwait(false);
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("  " + error).ConfigureAwait(false);
            }

            return 2;
        }

        try
        {
            var knownChip = accelerometerOptions.TryGetChip(out var chip);
            var accelerometer = accelerometerOptions.Enabled && knownChip;
            if (accelerometer && (calibrate || (simulate && store.Load().Status != CalibrationLoadStatus.Loaded)))
            {
                using var device = i2c.Open(accelerometerOptions.Bus, accelerometerOptions.EffectiveAddress(chip));
                Say(terminal, "Calibrating the accelerometer: keep the car stopped and the box untouched...");
                var outcome = await AccelerometerCalibrationRun.RunAsync(
                    AccelerometerDrivers.Create(chip, device), accelerometerOptions.RateHz, accelerometerOptions.RangeG, clock,
                    CalibrationCriteria.Default with { MinSamples = 400 }, DateTimeOffset.UtcNow, store, stop.Token).ConfigureAwait(false);
                Say(terminal, outcome.Accepted
                    ? $"Calibration stored in {store.FilePath}: {outcome.Calibration!.Describe()}"
                    : $"Calibration rejected: {outcome.Reason}");
                if (calibrate)
                {
                    return outcome.Accepted ? 0 : 1;
                }
            }

            using var gpio = new GpioInputSource(Options.Create(gpioOptions), gpioDrivers, clock, NullLogger<GpioInputSource>.Instance);
            background.Add(gpio.RunAsync(readings, readings, stop.Token));
            using var accelerometerSource = accelerometer
                ? new AccelerometerSource(Options.Create(accelerometerOptions), i2c, store, clock, NullLogger<AccelerometerSource>.Instance)
                : null;
            if (accelerometerSource is not null)
            {
                background.Add(accelerometerSource.RunAsync(readings, readings, stop.Token));
            }

            return check
                ? await CheckAsync(readings, gpioOptions, accelerometer, board, terminal, timeout, dataDirectory, stop.Token).ConfigureAwait(false)
                : await ShowLiveAsync(readings, gpioOptions, accelerometer, terminal, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(background).ConfigureAwait(false);
        }
    }

    private static async Task<int> CheckAsync(
        SensorReadings readings, GpioOptions wiring, bool accelerometer, SimulatedBoard? board, bool terminal, TimeSpan timeout, string dataDirectory, CancellationToken cancellationToken)
    {
        // Let every input report its first value before the first prompt.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        var check = new WiringCheck(readings, TimeProvider.System, timeout);
        var report = await check.RunAsync(
            WiringCheck.Plan(wiring, accelerometer),
            action => Say(terminal, $"-> {action.Prompt}", prompt: true),
            action =>
            {
                // On the simulated board a pretend installer acts on the wire a moment after the prompt.
                if (board is not null && action.Signal is { } signal)
                {
                    _ = Task.Delay(TimeSpan.FromMilliseconds(700), cancellationToken)
                        .ContinueWith(_ => board.ForceInput(signal, action.TargetActive), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                }
            },
            cancellationToken).ConfigureAwait(false);

        var summary = report.Summary();
        foreach (var line in summary.Split(Environment.NewLine))
        {
            Say(terminal, line, pass: line.StartsWith("PASS", StringComparison.Ordinal), fail: line.StartsWith("FAIL", StringComparison.Ordinal));
        }

        var directory = Path.Combine(dataDirectory, "commissioning");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "sensors-check-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".txt");
        await File.WriteAllTextAsync(file, summary + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        Say(terminal, $"Record written to {file}");
        return report.AllPassed ? 0 : 1;
    }

    private static async Task<int> ShowLiveAsync(SensorReadings readings, GpioOptions wiring, bool accelerometer, bool terminal, CancellationToken cancellationToken)
    {
        if (!terminal)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                Console.WriteLine(SensorReadingsText.Line(readings.Snapshot(), wiring, accelerometer));
            }

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("edgegw sensors (Ctrl+C to stop)");
        table.AddColumn("sensor");
        table.AddColumn("state");
        table.AddColumn("wiring");
        table.AddColumn("changes");
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Fill(table, readings.Snapshot(), wiring, accelerometer);
                context.Refresh();
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return 0;
    }

    private static void Fill(Table table, SensorReadingsSnapshot snapshot, GpioOptions wiring, bool accelerometer)
    {
        table.Rows.Clear();
        foreach (var input in snapshot.Inputs)
        {
            var name = GpioSignals.NameOf(input.Signal);
            if (!wiring.Inputs.TryGetValue(name, out var options))
            {
                continue;
            }

            var state = SensorReadingsText.State(input);
            var colour = state == "on" ? "green" : state == "off" ? "grey" : "yellow";
            table.AddRow(
                new Markup(Markup.Escape(name)),
                new Markup($"[{colour}]{state}[/]"),
                new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"chip {options.Chip} line {options.Line}{(options.ActiveLow ? " (active-low)" : string.Empty)}"))),
                new Markup(input.Edges.ToString(CultureInfo.InvariantCulture)));
        }

        if (accelerometer)
        {
            var a = snapshot.Acceleration;
            table.AddRow(
                new Markup("acc (m/s²)"),
                new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"[{a.X,6:0.00}, {a.Y,6:0.00}, {a.Z,6:0.00}]"))),
                new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{snapshot.AccelerationRateHz:0} Hz"))),
                new Markup(snapshot.AccelerationSamples.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (sensor, problem) in snapshot.Problems)
        {
            table.AddRow(new Markup($"[red]{Markup.Escape(sensor)}[/]"), new Markup("[red]FAULT[/]"), new Markup(Markup.Escape(problem)), new Markup(string.Empty));
        }
    }

    private static void Say(bool terminal, string text, bool prompt = false, bool pass = false, bool fail = false)
    {
        if (!terminal)
        {
            Console.WriteLine(text);
            return;
        }

        var style = prompt ? "bold yellow" : pass ? "green" : fail ? "red" : "default";
        AnsiConsole.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");
    }

    /// <summary>The simulated lift and board write nothing the installer view needs: their signals arrive through the drivers.</summary>
    private sealed class NullSink : ISampleWriter
    {
        public static readonly NullSink Instance = new();

        public bool TryWrite(in LiftSample sample) => true;
    }
}
