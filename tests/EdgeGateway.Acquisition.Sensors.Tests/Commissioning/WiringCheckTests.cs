using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Commissioning;
using EdgeGateway.Acquisition.Sensors.Gpio;
using EdgeGateway.Acquisition.Sensors.Simulated;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Acquisition.Sensors.Tests.Commissioning;

public sealed class WiringCheckTests
{
    private static GpioOptions Wiring() => new()
    {
        Inputs =
        {
            ["zone"] = new GpioInputOptions { Chip = 0, Line = 17 },
            ["alarm"] = new GpioInputOptions { Chip = 0, Line = 27, ActiveLow = true, Bias = GpioBias.PullUp },
            ["mains"] = new GpioInputOptions { Chip = 0, Line = 24 },
        },
    };

    [Fact]
    public void The_plan_asks_for_each_wire_in_both_directions_mains_off_first()
    {
        var plan = WiringCheck.Plan(Wiring(), accelerometer: true);

        Assert.Equal(
            ["zone active", "zone inactive", "alarm active", "alarm inactive", "mains inactive", "mains active", "accelerometer"],
            plan.Select(a => a.Step));
        Assert.Equal("Press the alarm button now", plan[2].Prompt);
        Assert.Equal("chip 0 line 27, active-low", plan[2].Wiring);
    }

    [Fact]
    public async Task Every_wire_passes_when_the_installer_acts_through_the_real_gpio_path()
    {
        var board = new SimulatedGpioDriverFactory();
        var chip = board.Chip(0);
        chip.SetInput(24, System.Device.Gpio.PinValue.High);
        var readings = new SensorReadings();
        using var gpio = new GpioInputSource(Options.Create(Wiring()), board, MonotonicClock.System, NullLogger<GpioInputSource>.Instance);
        using var cts = new CancellationTokenSource();
        var running = gpio.RunAsync(readings, readings, cts.Token);
        var prompts = new List<string>();

        var check = new WiringCheck(readings, TimeProvider.System, TimeSpan.FromSeconds(20));
        var report = await check.RunAsync(
            WiringCheck.Plan(Wiring(), accelerometer: false),
            action => prompts.Add(action.Prompt),
            action =>
            {
                var input = Wiring().Inputs[GpioSignals.NameOf(action.Signal!.Value)];
                var high = action.TargetActive ^ input.ActiveLow;
                chip.InjectBounce(input.Line, high ? System.Device.Gpio.PinValue.High : System.Device.Gpio.PinValue.Low, bounces: 2);
            },
            cts.Token);

        await cts.CancelAsync();
        await running;
        Assert.True(report.AllPassed, report.Summary());
        Assert.Equal(6, prompts.Count);
        Assert.EndsWith("6/6 passed", report.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_already_active_is_asked_to_release_first()
    {
        var readings = new SensorReadings();
        readings.TryWrite(LiftSample.Input(0, SignalMask.Zone, true));
        var check = new WiringCheck(readings, TimeProvider.System, TimeSpan.FromSeconds(20));
        var plan = WiringCheck.Plan(Wiring(), accelerometer: false).Where(a => a.Signal == GpioSignal.Zone).ToList();
        var asked = new List<string>();

        var report = await check.RunAsync(plan, a => asked.Add(a.Step), a => readings.TryWrite(LiftSample.Input(1, SignalMask.Zone, a.TargetActive)), CancellationToken.None);

        Assert.True(report.AllPassed, report.Summary());
        Assert.Equal(["zone inactive", "zone active"], asked);
    }

    [Fact]
    public async Task A_wire_that_never_changes_fails_with_where_it_is_and_what_it_reads()
    {
        var readings = new SensorReadings();
        readings.TryWrite(LiftSample.Input(0, SignalMask.Alarm, false));
        var check = new WiringCheck(readings, TimeProvider.System, TimeSpan.FromMilliseconds(100));
        var plan = WiringCheck.Plan(Wiring(), accelerometer: false).Where(a => a.Signal == GpioSignal.Alarm).ToList();

        var report = await check.RunAsync(plan, _ => { }, _ => { }, CancellationToken.None);

        Assert.False(report.AllPassed);
        Assert.Equal(
            "no change to active on chip 0 line 27, active-low within 0.1 s (it reads inactive; check the wire and the active-low setting)",
            report.Results[0].Detail);
    }

    [Fact]
    public async Task The_accelerometer_step_needs_samples_with_plausible_vertical_gravity()
    {
        var readings = new SensorReadings();
        var check = new WiringCheck(readings, TimeProvider.System, TimeSpan.FromSeconds(20));
        var plan = WiringCheck.Plan(new GpioOptions(), accelerometer: true);

        var calibrated = await check.RunAsync(plan, _ => { }, _ => Feed(readings, new AccelerationVector(0.02f, -0.01f, 9.80f)), CancellationToken.None);
        var sideways = await check.RunAsync(plan, _ => { }, _ => Feed(readings, new AccelerationVector(0.1f, -9.8f, 0.2f)), CancellationToken.None);

        Assert.True(calibrated.AllPassed, calibrated.Summary());
        Assert.False(sideways.AllPassed);
        Assert.Contains("z is not vertical", sideways.Results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Readings_count_changes_and_health_problems()
    {
        var readings = new SensorReadings();
        readings.TryWrite(LiftSample.Input(1, SignalMask.Zone, false));
        readings.TryWrite(LiftSample.Input(2, SignalMask.Zone, true));
        readings.TryWrite(LiftSample.Input(3, SignalMask.Zone, true));
        readings.Report("accelerometer", "LIS3DH on I2C bus 1 at address 0x18: I2C transfer failed");

        var snapshot = readings.Snapshot();
        var zone = snapshot.Inputs.Single(i => i.Signal == GpioSignal.Zone);
        Assert.True(zone.Active);
        Assert.Equal(1, zone.Edges);
        Assert.Equal(2, zone.LastChangeMicros);
        Assert.Single(snapshot.Problems);
        readings.Report("accelerometer", null);
        Assert.Empty(readings.Snapshot().Problems);
    }

    private static void Feed(SensorReadings readings, AccelerationVector v)
    {
        for (var i = 0; i < 400; i++)
        {
            readings.TryWrite(LiftSample.Acceleration(i * 2500, v.X, v.Y, v.Z));
        }
    }
}
