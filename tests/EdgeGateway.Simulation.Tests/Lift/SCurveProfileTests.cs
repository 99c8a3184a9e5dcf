using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Tests.Lift;

public class SCurveProfileTests
{
    [Theory]
    [InlineData(3.0, 1.75)]
    [InlineData(-3.0, 1.75)]
    [InlineData(39.0, 1.75)]
    [InlineData(0.2, 0.3)]
    [InlineData(6.0, 1.0)]
    public void Covers_the_distance_within_speed_acceleration_and_jerk_limits(double distance, double maxSpeed)
    {
        const double accel = 0.8, jerk = 1.2, dt = 0.0005;
        var profile = SCurveProfile.Plan(distance, maxSpeed, accel, jerk);

        double position = 0, previousV = 0, previousA = 0, maxV = 0, maxA = 0, maxJ = 0;
        for (var t = dt; t <= profile.Duration + dt; t += dt)
        {
            var v = profile.Velocity(t);
            var a = (v - previousV) / dt;
            position += (v + previousV) / 2 * dt;
            maxV = Math.Max(maxV, Math.Abs(v));
            maxA = Math.Max(maxA, Math.Abs(a));
            if (t > 2 * dt)
            {
                maxJ = Math.Max(maxJ, Math.Abs(a - previousA) / dt);
            }

            previousV = v;
            previousA = a;
        }

        Assert.Equal(distance, position, 3);
        Assert.True(maxV <= maxSpeed + 1e-9, $"speed {maxV}");
        Assert.True(maxA <= accel + 0.01, $"acceleration {maxA}");
        Assert.True(maxJ <= jerk + 0.05, $"jerk {maxJ}");
        Assert.Equal(0, profile.Velocity(profile.Duration + 0.001));
        Assert.True(Math.Sign(profile.Velocity(profile.Duration / 2)) == Math.Sign(distance));
    }

    [Fact]
    public void Long_trips_cruise_at_the_rated_speed_and_short_ones_do_not_reach_it()
    {
        var longTrip = SCurveProfile.Plan(30, 1.75, 0.8, 1.2);
        Assert.Equal(1.75, longTrip.PeakSpeed, 9);
        Assert.True(longTrip.CruiseEnd > longTrip.CruiseStart);

        var oneFloor = SCurveProfile.Plan(3, 1.75, 0.8, 1.2);
        Assert.True(oneFloor.PeakSpeed < 1.75);
        Assert.Equal(oneFloor.CruiseStart, oneFloor.CruiseEnd, 6);
    }
}
