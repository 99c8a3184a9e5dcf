using EdgeGateway.Acquisition.Sensors.Accelerometers;
using EdgeGateway.Acquisition.Sensors.Calibration;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeGateway.Acquisition.Sensors.Tests.Calibration;

public sealed class GravityCalibratorTests
{
    private static AccelerationVector[] AtRest(AccelerationVector gravity, int count = 400, double noise = 0.03, int seed = 1)
    {
        var random = new Random(seed);
        var samples = new AccelerationVector[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = new AccelerationVector(
                gravity.X + (float)((random.NextDouble() - 0.5) * 2 * noise),
                gravity.Y + (float)((random.NextDouble() - 0.5) * 2 * noise),
                gravity.Z + (float)((random.NextDouble() - 0.5) * 2 * noise));
        }

        return samples;
    }

    [Fact]
    public void Finds_the_vertical_axis_of_a_box_mounted_on_its_side_and_tilted()
    {
        // Chip -Y up, tilted 5° towards +X.
        var tilt = 5 * Math.PI / 180;
        var gravity = AccelerationVector.FromG(Math.Sin(tilt), -Math.Cos(tilt), 0);

        var outcome = GravityCalibrator.Calibrate(AtRest(gravity), "LIS3DH", DateTimeOffset.UnixEpoch);

        Assert.True(outcome.Accepted, outcome.Reason);
        var calibration = outcome.Calibration!;
        Assert.Equal("-Y", calibration.VerticalAxis);
        Assert.Equal(5, calibration.TiltDegrees, 0.3);
        var up = calibration.Rotation.Apply(gravity);
        Assert.Equal(0, up.X, 0.01);
        Assert.Equal(0, up.Y, 0.01);
        Assert.Equal(AccelerationVector.StandardGravity, up.Z, 0.01);
        Assert.True(calibration.Rotation.IsProperRotation());
    }

    [Fact]
    public void Rejects_a_moving_box_with_the_reason()
    {
        var samples = AtRest(AccelerationVector.FromG(0, 0, 1), noise: 1.5);

        var outcome = GravityCalibrator.Calibrate(samples, "LIS3DH", DateTimeOffset.UnixEpoch);

        Assert.False(outcome.Accepted);
        Assert.StartsWith("the box was moving: acceleration variance", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.94, false)]
    [InlineData(0.96, true)]
    [InlineData(1.04, true)]
    [InlineData(1.06, false)]
    public void Rejects_gravity_more_than_five_percent_off(double g, bool accepted)
    {
        var outcome = GravityCalibrator.Calibrate(AtRest(AccelerationVector.FromG(0, 0, g), noise: 0.001), "ADXL345", DateTimeOffset.UnixEpoch);

        Assert.Equal(accepted, outcome.Accepted);
        if (!accepted)
        {
            Assert.StartsWith("measured |g| = ", outcome.Reason, StringComparison.Ordinal);
            Assert.Contains("off 9.807 m/s² (limit 5%)", outcome.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rejects_too_few_samples()
    {
        var outcome = GravityCalibrator.Calibrate(AtRest(AccelerationVector.FromG(0, 0, 1), count: 10), "LIS3DH", DateTimeOffset.UnixEpoch);
        Assert.False(outcome.Accepted);
        Assert.Contains("only 10 samples", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Upside_down_mounting_is_handled()
    {
        var rotation = Rotation3.AligningToUp(new AccelerationVector(0, 0, -9.8f));
        var up = rotation.Apply(new AccelerationVector(0, 0, -9.8f));
        Assert.Equal(9.8, up.Z, 1e-4);
        Assert.True(rotation.IsProperRotation());
    }

    [Fact]
    public void Any_gravity_direction_is_rotated_onto_plus_z_by_a_proper_rotation()
    {
        Prop.ForAll(
            Gen.Choose(-1000, 1000).Three().ToArbitrary(),
            ((int X, int Y, int Z) v) =>
            {
                var direction = new AccelerationVector(v.X, v.Y, v.Z);
                if (direction.Magnitude < 1)
                {
                    return true;
                }

                var rotation = Rotation3.AligningToUp(direction);
                var up = rotation.Apply(direction);
                return rotation.IsProperRotation()
                    && Math.Abs(up.X) < 1e-3 * direction.Magnitude
                    && Math.Abs(up.Y) < 1e-3 * direction.Magnitude
                    && Math.Abs(up.Z - direction.Magnitude) < 1e-3 * direction.Magnitude;
            }).QuickCheckThrowOnFailure();
    }
}
