using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Tests.Trips;
using EdgeGateway.Detection.Trips;

namespace EdgeGateway.Detection.Tests.RideQuality;

public sealed class RideQualityMeterTests
{
    private static (TripStage Stage, CollectingTripSink Sink, StageDriver Driver) Build(RideQualityOptions? options = null)
    {
        var sink = new CollectingTripSink();
        var stage = new TripStage(new DetectionContext(LiftProfile.Default, new DetectionOptions()), new TripOptions(), options ?? new RideQualityOptions(), [sink]);
        return (stage, sink, new StageDriver(stage));
    }

    [Fact]
    public void Jerk_limited_trip_gives_its_acceleration_jerk_and_pure_vibration()
    {
        var (stage, sink, driver) = Build();
        // 1.0 m/s² reached at 2 m/s³, 1.5 m/s top speed, and a 1.5 Hz sine of 0.05 m/s² while cruising: p-p = 0.10.
        driver.Feed(SyntheticLift.Trip(0, 1, 6, vibration: tau => 0.05 * Math.Sin(2 * Math.PI * 1.5 * tau)));

        var ride = Assert.Single(sink.Trips).RideQuality!.Value;
        Assert.Equal(200, stage.RideQuality.SampleRateHz, 3);
        Assert.InRange(ride.MaxAccelerationMs2, 0.98, 1.02);
        Assert.InRange(ride.MaxDecelerationMs2, 0.98, 1.02);
        // The jerk steps from 0 to 2 m/s³; the filtered jerk overshoots like a Butterworth step response (4.3 %).
        Assert.InRange(ride.MaxJerkMs3, 1.95, 2.15);
        // At 1.5 Hz the 10 Hz Butterworth passes 0.99975 of the amplitude.
        Assert.InRange(ride.VibrationMaxPeakToPeakMs2, 0.098, 0.1005);
        Assert.InRange(ride.VibrationA95Ms2, 0.098, 0.1005);
        Assert.InRange(ride.VibrationPairCount, 20, 40);
        // Speed ≥ 95 % of top from ≈ 1.9 s to 12.2 s after the start (100 ms reports), less 0.25 s at each end.
        Assert.InRange(ride.ConstantSpeedSeconds, 9.5, 10.3);
    }

    [Fact]
    public void A95_ignores_a_single_burst_that_sets_the_maximum()
    {
        var (_, sink, driver) = Build();
        // One full cycle at 0.15 m/s² in the middle of the cruise: pairs 0.20, 0.30, 0.20 among ~28 pairs of 0.10.
        static double Vibration(double tau)
        {
            var amplitude = tau is >= 4.0 and < 4.0 + (1 / 1.5) ? 0.15 : 0.05;
            return amplitude * Math.Sin(2 * Math.PI * 1.5 * tau);
        }

        driver.Feed(SyntheticLift.Trip(0, 1, 6, vibration: Vibration));
        var ride = Assert.Single(sink.Trips).RideQuality!.Value;
        Assert.InRange(ride.VibrationMaxPeakToPeakMs2, 0.29, 0.305);
        // With 20..39 pairs the nearest-rank 95th percentile is the second largest value: 0.20.
        Assert.InRange(ride.VibrationPairCount, 20, 39);
        Assert.InRange(ride.VibrationA95Ms2, 0.19, 0.205);
    }

    [Fact]
    public void Down_trip_swaps_acceleration_and_deceleration()
    {
        var (_, sink, driver) = Build();
        driver.Feed(SyntheticLift.Trip(0, 6, 1, accel: 0.8, jerk: 1.0));
        var trip = Assert.Single(sink.Trips);
        Assert.Equal(TravelDirection.Down, trip.Direction);
        var ride = trip.RideQuality!.Value;
        Assert.InRange(ride.MaxAccelerationMs2, 0.78, 0.82);
        Assert.InRange(ride.MaxDecelerationMs2, 0.78, 0.82);
        Assert.InRange(ride.MaxJerkMs3, 0.97, 1.08);
    }

    [Fact]
    public void Learns_gravity_at_rest_so_a_calibration_offset_does_not_become_acceleration()
    {
        var (stage, sink, driver) = Build(new RideQualityOptions { GravityTimeConstantSeconds = 0.5 });
        // The axis reads 9.70 at rest instead of the configured 9.81.
        driver.Feed(SyntheticLift.Trip(0, 1, 6, gravity: 9.70, restSeconds: 5));
        Assert.InRange(stage.RideQuality.GravityMs2, 9.69, 9.71);
        var ride = Assert.Single(sink.Trips).RideQuality!.Value;
        Assert.InRange(ride.MaxAccelerationMs2, 0.98, 1.02);
        Assert.InRange(ride.MaxDecelerationMs2, 0.98, 1.02);
    }

    [Fact]
    public void Without_controller_speed_the_region_comes_from_integrated_acceleration()
    {
        var (_, sink, driver) = Build();
        var samples = SyntheticLift.Trip(0, 1, 6, vibration: tau => 0.05 * Math.Sin(2 * Math.PI * 1.5 * tau));
        // Strip the speed: the controller of this lift does not give one.
        driver.Feed(samples.Select(s => s.Has(SignalMask.Speed) ? s with { Set = s.Set & ~SignalMask.Speed } : s));
        var trip = Assert.Single(sink.Trips);
        Assert.Null(trip.MaxSpeedMmS);
        var ride = trip.RideQuality!.Value;
        Assert.InRange(ride.VibrationMaxPeakToPeakMs2, 0.098, 0.1005);
        Assert.InRange(ride.ConstantSpeedSeconds, 9.0, 10.0);
    }

    [Fact]
    public void Uses_a_configured_rate_and_reports_a_rate_too_low_for_the_cutoff()
    {
        var meter = new RideQualityMeter(new RideQualityOptions { SampleRateHz = 400 }, 9.81);
        Assert.Equal(400, meter.SampleRateHz);

        var slow = new RideQualityMeter(new RideQualityOptions(), 9.81);
        for (var i = 0; i < 40; i++)
        {
            slow.OnAcceleration(i * 100_000L, 9.81f); // 10 Hz: cannot carry a 10 Hz low-pass
        }

        Assert.Equal(0, slow.SampleRateHz);
        Assert.Contains("10 Hz", slow.Problem);
    }

    [Fact]
    public void Options_validator_reports_every_bad_key()
    {
        var result = new RideQualityOptionsValidator().Validate(null, new RideQualityOptions
        {
            FilterCutoffHz = 0,
            SampleRateHz = -1,
            ConstantSpeedFraction = 1.5,
            HalfCycleCapacity = 1,
        });
        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("Detection:RideQuality:FilterCutoffHz", message);
        Assert.Contains("Detection:RideQuality:SampleRateHz", message);
        Assert.Contains("Detection:RideQuality:ConstantSpeedFraction", message);
        Assert.Contains("Detection:RideQuality:HalfCycleCapacity", message);
        Assert.True(new RideQualityOptionsValidator().Validate(null, new RideQualityOptions()).Succeeded);
    }
}
