using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Tests.Lift;

public class SimulatedLiftKinematicsTests
{
    private static SimulationOptions Traffic(int accelerometerHz = 0, double callsPerHour = 120) => new()
    {
        Scenario = SimulationScenario.Traffic,
        AccelerometerHz = accelerometerHz,
        TrafficCallsPerHour = callsPerHour,
        Seed = 7,
    };

    [Fact]
    public void Stops_levelled_at_landings_and_opens_doors_only_there()
    {
        var lift = new SimulatedLift(LiftProfile.Default, Traffic());
        var sink = new SampleRecorder(keepSamples: false);
        var floorHeight = 3000.0;
        int doorCycles = 0, trips = 0;
        var wasRunning = false;
        var wasDoorClosed = true;
        for (var i = 0; i < 2 * 3600 * 200; i++)
        {
            lift.Step(sink);
            var s = lift.Snapshot;
            if (s.Door != DoorState.Closed)
            {
                Assert.False(s.Run);
                Assert.Equal(0, s.SpeedMmS);
                Assert.True(s.Zone, $"door {s.Door} outside the door zone at {s.PositionMm} mm");
                var offset = s.PositionMm - (Math.Round(s.PositionMm / floorHeight) * floorHeight);
                Assert.True(Math.Abs(offset) < 1, $"not levelled: {offset} mm off the landing");
                Assert.Equal(LiftProfile.Default.LowestFloor + (int)Math.Round(s.PositionMm / floorHeight), s.Floor);
                Assert.False(s.Lock);
                if (wasDoorClosed)
                {
                    doorCycles++;
                }
            }
            else
            {
                Assert.Equal(s.Lock, s.Door == DoorState.Closed);
            }

            if (s.Run && !wasRunning)
            {
                trips++;
            }

            wasRunning = s.Run;
            wasDoorClosed = s.Door == DoorState.Closed;
        }

        Assert.True(trips > 100, $"only {trips} trips in two hours at 120 calls/h");
        Assert.True(doorCycles > 100, $"only {doorCycles} door cycles");
        Assert.False(sink.TimeWentBackwards);
    }

    [Fact]
    public void Never_exceeds_the_rated_speed_and_reaches_it_on_long_trips()
    {
        var profile = LiftProfile.Default;
        var lift = new SimulatedLift(profile, Traffic());
        var maxSpeed = 0;
        var sink = new SampleRecorder(keepSamples: false)
        {
            OnSample = (sample, _) =>
            {
                if (sample.Has(SignalMask.Speed))
                {
                    maxSpeed = Math.Max(maxSpeed, Math.Abs(sample.SpeedMmS));
                }
            },
        };

        lift.RunFor(TimeSpan.FromHours(2), sink);

        Assert.True(maxSpeed <= profile.RatedSpeedMmS, $"max speed {maxSpeed} mm/s");
        Assert.True(maxSpeed >= profile.RatedSpeedMmS - 1, $"never cruised: max {maxSpeed} mm/s");
    }

    [Fact]
    public void Door_zone_is_true_within_the_configured_band_around_each_landing()
    {
        var options = Traffic();
        options.DoorZoneHalfWidthMm = 120;
        var lift = new SimulatedLift(LiftProfile.Default, options);
        var sink = new SampleRecorder(keepSamples: false);
        var sawZoneOff = false;
        for (var i = 0; i < 3600 * 200; i++)
        {
            lift.Step(sink);
            var s = lift.Snapshot;
            var offset = Math.Abs(s.PositionMm - (Math.Round(s.PositionMm / 3000.0) * 3000.0));
            Assert.Equal(offset <= 120 + 1e-6, s.Zone);
            sawZoneOff |= !s.Zone;
        }

        Assert.True(sawZoneOff);
    }

    [Fact]
    public void Accelerometer_reads_gravity_at_rest_and_the_car_acceleration_in_motion()
    {
        var options = Traffic(accelerometerHz: 200);
        options.AccelerometerNoiseMs2 = 0.02;
        var lift = new SimulatedLift(LiftProfile.Default, options);
        double restSum = 0, restCount = 0, maxDeviation = 0, maxXY = 0;
        var accelerometerSamples = 0;
        var sink = new SampleRecorder(keepSamples: false)
        {
            OnSample = (sample, state) =>
            {
                if (sample.Set != SignalMask.Acc)
                {
                    return;
                }

                accelerometerSamples++;
                maxXY = Math.Max(maxXY, Math.Max(Math.Abs(sample.AccX), Math.Abs(sample.AccY)));
                maxDeviation = Math.Max(maxDeviation, Math.Abs(sample.AccZ - 9.81));
                if (!state.Run && state.SpeedMmS == 0)
                {
                    restSum += sample.AccZ;
                    restCount++;
                }
            },
        };

        lift.RunFor(TimeSpan.FromMinutes(30), sink);

        Assert.Equal(30 * 60 * 200, accelerometerSamples);
        Assert.Equal(9.81, restSum / restCount, 2);
        // Accelerations stay within the profile's 0.8 m/s² plus noise (5 sigma), and x/y carry noise only.
        Assert.True(maxDeviation <= 0.8 + (5 * 0.02), $"max |z - g| = {maxDeviation}");
        Assert.True(maxDeviation >= 0.75, $"the car never accelerated: {maxDeviation}");
        Assert.True(maxXY <= 5 * 0.02, $"max |x|,|y| = {maxXY}");
    }

    [Fact]
    public void Idle_car_starts_at_the_main_floor_with_everything_normal()
    {
        var lift = new SimulatedLift(LiftProfile.Default, Traffic());
        var timeline = new Timeline();
        lift.RunFor(TimeSpan.FromSeconds(1), timeline);

        var first = timeline.Discrete[0];
        Assert.Equal(0, first.TimeMicros);
        Assert.Equal(SignalMask.AllDiscrete, first.Set);
        Assert.Equal(LiftMode.Normal, first.Mode);
        Assert.Equal(1, first.Floor);
        Assert.Equal(TravelDirection.None, first.Dir);
        Assert.True(first.Lock && first.Safety && first.Link && first.Zone && first.Mains);
        Assert.False(first.Run || first.Occupied || first.Alarm);
        Assert.Equal(0, first.Fault);
    }
}
