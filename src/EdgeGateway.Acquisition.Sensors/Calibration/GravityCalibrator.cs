using System.Globalization;
using EdgeGateway.Acquisition.Sensors.Accelerometers;

namespace EdgeGateway.Acquisition.Sensors.Calibration;

/// <summary>When a calibration is accepted.</summary>
/// <param name="MinSamples">Samples to average (a second at 400 Hz is plenty: noise averages down by √N).</param>
/// <param name="MaxGravityError">Largest relative error of |g| against 9.80665 m/s² (the brief: 5%).</param>
/// <param name="MaxVariance">
/// Largest total variance (m/s²)² of the samples around their mean. Sensor noise at rest is about 0.005 (m/s²)²
/// (LIS3DH/ADXL345 at 400 Hz, a few mg RMS per axis); a person leaning on the car or a starting car adds far more.
/// </param>
public sealed record CalibrationCriteria(int MinSamples = 200, double MaxGravityError = 0.05, double MaxVariance = 0.05)
{
    public static CalibrationCriteria Default { get; } = new();
}

/// <summary>A stored calibration: the rotation from chip to box frame and what it was derived from.</summary>
/// <param name="VerticalAxis">The chip axis nearest to up, e.g. "-Y" (what the installer sees on the box).</param>
/// <param name="TiltDegrees">Angle between that axis and true vertical.</param>
public sealed record AccelerometerCalibration(
    Rotation3 Rotation,
    AccelerationVector MeanGravity,
    string VerticalAxis,
    double TiltDegrees,
    int Samples,
    string Chip,
    DateTimeOffset CalibratedUtc)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"vertical axis {VerticalAxis} tilted {TiltDegrees:0.0}°, |g| {MeanGravity.Magnitude:0.000} m/s² from {Samples} {Chip} samples");
}

/// <summary>The outcome of a calibration attempt: accepted with a calibration, or rejected with a reason the installer can act on.</summary>
public sealed record CalibrationOutcome(bool Accepted, AccelerometerCalibration? Calibration, string? Reason, AccelerationVector Mean, double Variance);

/// <summary>
/// Finds the vertical axis and orientation from gravity at rest: averages the samples, rejects the attempt when the box
/// moved (variance) or |g| is implausible (more than 5% off, i.e. wrong range/scale or a faulty part), and otherwise
/// computes the rotation that puts the measured gravity on +z.
/// </summary>
public static class GravityCalibrator
{
    public static CalibrationOutcome Calibrate(ReadOnlySpan<AccelerationVector> samples, string chip, DateTimeOffset nowUtc, CalibrationCriteria? criteria = null)
    {
        criteria ??= CalibrationCriteria.Default;
        if (samples.Length < criteria.MinSamples)
        {
            return new CalibrationOutcome(false, null,
                $"only {samples.Length} samples were collected; at least {criteria.MinSamples} are needed (is the accelerometer delivering data?)", default, 0);
        }

        double sx = 0, sy = 0, sz = 0;
        foreach (var s in samples)
        {
            sx += s.X;
            sy += s.Y;
            sz += s.Z;
        }

        double n = samples.Length;
        double mx = sx / n, my = sy / n, mz = sz / n;
        double variance = 0;
        foreach (var s in samples)
        {
            double dx = s.X - mx, dy = s.Y - my, dz = s.Z - mz;
            variance += (dx * dx) + (dy * dy) + (dz * dz);
        }

        variance /= n;
        var mean = new AccelerationVector((float)mx, (float)my, (float)mz);
        if (variance > criteria.MaxVariance)
        {
            return new CalibrationOutcome(false, null, string.Create(CultureInfo.InvariantCulture,
                $"the box was moving: acceleration variance {variance:0.000} (m/s²)² exceeds {criteria.MaxVariance:0.000}; keep the car stopped and the box untouched, then calibrate again"),
                mean, variance);
        }

        var magnitude = Math.Sqrt((mx * mx) + (my * my) + (mz * mz));
        var error = Math.Abs(magnitude - AccelerationVector.StandardGravity) / AccelerationVector.StandardGravity;
        if (error > criteria.MaxGravityError)
        {
            return new CalibrationOutcome(false, null, string.Create(CultureInfo.InvariantCulture,
                $"measured |g| = {magnitude:0.000} m/s² is {error * 100:0.0}% off {AccelerationVector.StandardGravity:0.000} m/s² (limit {criteria.MaxGravityError * 100:0}%): wrong range or scale, or a faulty sensor"),
                mean, variance);
        }

        var rotation = Rotation3.AligningToUp(mean);
        var (axis, component) = Math.Abs(mx) >= Math.Abs(my) && Math.Abs(mx) >= Math.Abs(mz) ? ("X", mx)
            : Math.Abs(my) >= Math.Abs(mz) ? ("Y", my) : ("Z", mz);
        var tilt = Math.Acos(Math.Min(1, Math.Abs(component) / magnitude)) * 180 / Math.PI;
        var calibration = new AccelerometerCalibration(rotation, mean, (component < 0 ? "-" : "+") + axis, tilt, samples.Length, chip, nowUtc);
        return new CalibrationOutcome(true, calibration, null, mean, variance);
    }
}
