using System.Globalization;
using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Gpio;

namespace EdgeGateway.Acquisition.Sensors.Commissioning;

/// <summary>One thing the installer is asked to do, and the input state that proves the wire.</summary>
/// <param name="Signal">The input under test, or null for the accelerometer step.</param>
/// <param name="Wiring">Where the wire is ("chip 0 line 27, active-low"), for the failure message.</param>
public sealed record WiringCheckAction(string Step, GpioSignal? Signal, bool TargetActive, string Prompt, string Wiring);

public sealed record WiringCheckResult(string Step, bool Passed, string Detail);

public sealed record WiringCheckReport(IReadOnlyList<WiringCheckResult> Results)
{
    public bool AllPassed => Results.All(r => r.Passed);

    public string Summary()
    {
        var lines = Results.Select(r => $"{(r.Passed ? "PASS" : "FAIL")}  {r.Step}: {r.Detail}").ToList();
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Results.Count(r => r.Passed)}/{Results.Count} passed"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// The installer's prompt mode: for every wired input it asks for the action that makes the input active ("press the
/// alarm button now") and then the one that releases it, and passes the wire only when both changes arrive through
/// the real driver path within the time allowed; then it checks the accelerometer delivers samples with a plausible |g|.
/// The outcome is a pass/fail line per step ("one lift, one file").
/// </summary>
public sealed class WiringCheck
{
    private readonly SensorReadings _readings;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(20);

    public WiringCheck(SensorReadings readings, TimeProvider time, TimeSpan timeoutPerAction)
    {
        _readings = readings;
        _time = time;
        _timeout = timeoutPerAction;
    }

    /// <summary>The press/release actions for the configured inputs, in a fixed order, then the accelerometer.</summary>
    public static IReadOnlyList<WiringCheckAction> Plan(GpioOptions gpio, bool accelerometer)
    {
        var actions = new List<WiringCheckAction>();
        foreach (var signal in GpioSignals.All)
        {
            if (!gpio.Inputs.TryGetValue(GpioSignals.NameOf(signal), out var input))
            {
                continue;
            }

            var wiring = string.Create(CultureInfo.InvariantCulture,
                $"chip {input.Chip} line {input.Line}{(input.ActiveLow ? ", active-low" : string.Empty)}");
            var (on, off) = Prompts(signal);
            var name = GpioSignals.NameOf(signal);
            var activate = new WiringCheckAction($"{name} active", signal, true, on, wiring);
            var release = new WiringCheckAction($"{name} inactive", signal, false, off, wiring);
            // Mains is normally present: prove it by switching it off and back on, not the other way round.
            actions.AddRange(signal == GpioSignal.Mains ? [release, activate] : [activate, release]);
        }

        if (accelerometer)
        {
            actions.Add(new WiringCheckAction("accelerometer", null, false, "Keep the car stopped and the box untouched for two seconds", "I2C"));
        }

        return actions;
    }

    /// <param name="prompt">Shows the instruction to the installer.</param>
    /// <param name="act">
    /// Called after each prompt; a real installer acts on the wire, so the console passes a no-op, while
    /// <c>--simulate</c> makes the simulated board act.
    /// </param>
    public async Task<WiringCheckReport> RunAsync(IReadOnlyList<WiringCheckAction> actions, Action<WiringCheckAction> prompt, Action<WiringCheckAction> act, CancellationToken cancellationToken)
    {
        var results = new List<WiringCheckResult>();
        var ordered = new List<WiringCheckAction>(actions);
        for (var i = 0; i < ordered.Count; i++)
        {
            var action = ordered[i];
            // An input already in the asked-for state cannot prove its wire by that action: ask for the opposite first.
            if (action.Signal is { } current && i + 1 < ordered.Count && ordered[i + 1].Signal == current
                && _readings.Input(current) is { Known: true } reading && reading.Active == action.TargetActive)
            {
                (ordered[i], ordered[i + 1]) = (ordered[i + 1], ordered[i]);
                action = ordered[i];
            }

            prompt(action);
            if (action.Signal is { } signal)
            {
                var before = _readings.Input(signal);
                act(action);
                var reached = await WaitAsync(() => IsReached(_readings.Input(signal), before, action.TargetActive), cancellationToken).ConfigureAwait(false);
                var now = _readings.Input(signal);
                results.Add(reached
                    ? new WiringCheckResult(action.Step, true, $"{action.Wiring} changed to {(action.TargetActive ? "active" : "inactive")}")
                    : new WiringCheckResult(action.Step, false, Failure(action, now)));
            }
            else
            {
                var samplesBefore = _readings.AccelerationSamples;
                act(action);
                await WaitAsync(() => _readings.AccelerationSamples >= samplesBefore + 200, cancellationToken).ConfigureAwait(false);
                results.Add(AccelerometerResult(_readings.AccelerationSamples - samplesBefore));
            }
        }

        return new WiringCheckReport(results);
    }

    /// <summary>What to ask for to make an input active, then inactive.</summary>
    public static (string Activate, string Release) Prompts(GpioSignal signal) => signal switch
    {
        GpioSignal.Zone => ("Move the car into the door zone (or cover the door-zone sensor) now", "Move the car out of the door zone (or uncover the sensor) now"),
        GpioSignal.Door => ("Close the car door now", "Open the car door now"),
        GpioSignal.Occupied => ("Step into the car (or wave at the presence sensor) now", "Leave the car and keep clear of the presence sensor"),
        GpioSignal.Alarm => ("Press the alarm button now", "Release the alarm button now"),
        _ => ("Switch mains back on now", "Switch mains off at the breaker now (the box runs on its battery)"),
    };

    private static bool IsReached(InputReading now, InputReading before, bool target) =>
        now.Known && now.Active == target && (now.Edges > before.Edges || !before.Known || (before.Active != target));

    private string Failure(WiringCheckAction action, InputReading now)
    {
        var seconds = _timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        if (!now.Known)
        {
            return $"no reading from {action.Wiring} (is the input configured and the chip present?)";
        }

        return $"no change to {(action.TargetActive ? "active" : "inactive")} on {action.Wiring} within {seconds} s " +
               $"(it reads {(now.Active ? "active" : "inactive")}; check the wire and the active-low setting)";
    }

    private WiringCheckResult AccelerometerResult(long samples)
    {
        var (mean, count) = _readings.RecentMean(200);
        if (count == 0)
        {
            var problem = _readings.Snapshot().Problems.TryGetValue(AccelerometerSource.SensorName, out var p) ? p : "no samples arrived";
            return new WiringCheckResult("accelerometer", false, problem);
        }

        var g = mean.Magnitude;
        var error = Math.Abs(g - AccelerationVector.StandardGravity) / AccelerationVector.StandardGravity;
        var detail = string.Create(CultureInfo.InvariantCulture, $"{samples} samples, |g| = {g:0.00} m/s², z = {mean.Z:0.00} m/s²");
        if (error > 0.05)
        {
            return new WiringCheckResult("accelerometer", false, detail + " is more than 5% off 9.81: wrong range, or the car was moving");
        }

        if (mean.Z < 0.95 * AccelerationVector.StandardGravity)
        {
            return new WiringCheckResult("accelerometer", false, detail + ": z is not vertical, calibrate with 'edgegw sensors --calibrate'");
        }

        return new WiringCheckResult("accelerometer", true, detail);
    }

    private async Task<bool> WaitAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        while (!condition())
        {
            if (_time.GetElapsedTime(start) >= _timeout)
            {
                return false;
            }

            await Task.Delay(_poll, _time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
