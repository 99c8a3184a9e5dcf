using Microsoft.Extensions.Options;

namespace EdgeGateway.Detection.RideQuality;

/// <summary>Ride-quality measurement (configuration section <see cref="SectionName"/>).</summary>
public sealed class RideQualityOptions
{
    public const string SectionName = "Detection:RideQuality";

    /// <summary>Low-pass cutoff for vertical acceleration (domain brief: 10 Hz, after ISO 18738-1).</summary>
    public double FilterCutoffHz { get; set; } = 10;

    /// <summary>Accelerometer output data rate; 0 measures it from the first sample intervals (the median of 32).</summary>
    public double SampleRateHz { get; set; }

    /// <summary>The constant-speed region is where the speed is at least this fraction of the trip's top speed.</summary>
    public double ConstantSpeedFraction { get; set; } = 0.95;

    /// <summary>
    /// Trimmed from both ends of the constant-speed region, so the filter's settling after the acceleration ramp
    /// (a 10 Hz Butterworth settles within about 0.1 s) is not counted as vibration.
    /// </summary>
    public double ConstantSpeedMarginSeconds { get; set; } = 0.25;

    /// <summary>Trips whose top speed stays below this (re-levelling, creeping) have no constant-speed region.</summary>
    public int MinConstantSpeedMmS { get; set; } = 100;

    /// <summary>
    /// Time constant of the gravity estimate, learnt while the car stands still, so a small calibration offset of the
    /// vertical axis does not shift every zero crossing of the vibration signal.
    /// </summary>
    public double GravityTimeConstantSeconds { get; set; } = 2;

    /// <summary>Half-cycles kept per trip (preallocated).</summary>
    public int HalfCycleCapacity { get; set; } = 16_384;

    /// <summary>Speed points kept per trip to find the constant-speed region (preallocated; thinned when full).</summary>
    public int SpeedPointCapacity { get; set; } = 4_096;
}

/// <summary>Reports every invalid ride-quality setting at once, each with its configuration key.</summary>
public sealed class RideQualityOptionsValidator : IValidateOptions<RideQualityOptions>
{
    public ValidateOptionsResult Validate(string? name, RideQualityOptions options)
    {
        var failures = new List<string>();
        const string P = RideQualityOptions.SectionName + ":";
        if (!(options.FilterCutoffHz > 0))
        {
            failures.Add($"{P}{nameof(options.FilterCutoffHz)} must be above 0 Hz (was {options.FilterCutoffHz}).");
        }

        if (options.SampleRateHz < 0 || double.IsNaN(options.SampleRateHz))
        {
            failures.Add($"{P}{nameof(options.SampleRateHz)} must be 0 (measure) or a positive rate in Hz (was {options.SampleRateHz}).");
        }
        else if (options.SampleRateHz > 0 && options.FilterCutoffHz >= options.SampleRateHz / 2)
        {
            failures.Add($"{P}{nameof(options.FilterCutoffHz)} ({options.FilterCutoffHz} Hz) must be below half of {P}{nameof(options.SampleRateHz)} ({options.SampleRateHz} Hz).");
        }

        if (!(options.ConstantSpeedFraction > 0 && options.ConstantSpeedFraction <= 1))
        {
            failures.Add($"{P}{nameof(options.ConstantSpeedFraction)} must be in (0, 1] (was {options.ConstantSpeedFraction}).");
        }

        if (!(options.ConstantSpeedMarginSeconds >= 0))
        {
            failures.Add($"{P}{nameof(options.ConstantSpeedMarginSeconds)} must be 0 or more (was {options.ConstantSpeedMarginSeconds}).");
        }

        if (options.MinConstantSpeedMmS < 0)
        {
            failures.Add($"{P}{nameof(options.MinConstantSpeedMmS)} must be 0 or more (was {options.MinConstantSpeedMmS}).");
        }

        if (!(options.GravityTimeConstantSeconds > 0))
        {
            failures.Add($"{P}{nameof(options.GravityTimeConstantSeconds)} must be above 0 (was {options.GravityTimeConstantSeconds}).");
        }

        if (options.HalfCycleCapacity < 16 || options.HalfCycleCapacity > 1_000_000)
        {
            failures.Add($"{P}{nameof(options.HalfCycleCapacity)} must be between 16 and 1000000 (was {options.HalfCycleCapacity}).");
        }

        if (options.SpeedPointCapacity < 16 || options.SpeedPointCapacity > 1_000_000)
        {
            failures.Add($"{P}{nameof(options.SpeedPointCapacity)} must be between 16 and 1000000 (was {options.SpeedPointCapacity}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
