using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Pipeline;
using EdgeGateway.Detection.RideQuality;
using EdgeGateway.Detection.Trips;

namespace EdgeGateway.Detection.Tests.Trips;

public sealed class TripStageTests
{
    private readonly CollectingTripSink _sink = new();
    private readonly TripStage _stage;
    private readonly StageDriver _driver;

    public TripStageTests()
    {
        _stage = new TripStage(new DetectionContext(LiftProfile.Default, new DetectionOptions()), new TripOptions { FloorHeightMm = 3200 },
            new RideQualityOptions(), [_sink]);
        _driver = new StageDriver(_stage);
    }

    [Fact]
    public void Records_a_trip_from_stopped_to_moving_to_stopped()
    {
        _driver.Feed(SyntheticLift.Rest(0, 2));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 2, TravelDirection.Up, true, 0));
        _driver.Feed(SyntheticLift.Controller(1_100_000, 2, TravelDirection.Up, true, 500));
        _driver.Feed(SyntheticLift.Controller(2_100_000, 3, TravelDirection.Up, true, 1000));
        _driver.Feed(SyntheticLift.Controller(4_100_000, 4, TravelDirection.Up, true, 300));
        _driver.Feed(SyntheticLift.Controller(5_100_000, 4, TravelDirection.Up, true, 40));
        _driver.Feed(SyntheticLift.Controller(5_300_000, 4, TravelDirection.None, false, 0));

        var trip = Assert.Single(_sink.Trips);
        Assert.Equal(1_000_000, trip.StartMicros);
        Assert.Equal(5_300_000, trip.EndMicros);
        Assert.Equal(4_300_000, trip.DurationMicros);
        Assert.Equal(2, trip.FromFloor);
        Assert.Equal(4, trip.ToFloor);
        Assert.Equal(TravelDirection.Up, trip.Direction);
        Assert.Equal(1000, trip.MaxSpeedMmS);
        Assert.True(trip.Levelled);
        Assert.Equal(TripKind.Run, trip.Kind);
        Assert.True(trip.IsCompletedNormalRun);
        // Zero-order hold: 500·1.0 + 1000·2.0 + 300·1.0 + 40·0.2 = 2808 mm.
        Assert.Equal(2808, trip.DistanceMm);
        Assert.Null(trip.RideQuality); // no accelerometer
    }

    [Fact]
    public void Speed_alone_makes_the_car_moving_and_below_the_threshold_stopped()
    {
        _driver.Feed(SyntheticLift.Rest(0, 1));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 1, TravelDirection.None, false, 49));
        Assert.False(_stage.IsMoving);
        _driver.Feed(SyntheticLift.Controller(1_100_000, 1, TravelDirection.None, false, -50));
        Assert.True(_stage.IsMoving);
        _driver.Feed(SyntheticLift.Controller(1_500_000, 0, TravelDirection.None, false, -49));
        var trip = Assert.Single(_sink.Trips);
        // No dir from the controller: the floor change says down.
        Assert.Equal(TravelDirection.Down, trip.Direction);
        Assert.Equal(50, trip.MaxSpeedMmS);
    }

    [Fact]
    public void Without_speed_distance_comes_from_floor_heights_and_direction_from_floors()
    {
        _driver.Feed(SyntheticLift.Rest(0, 5) with { Set = SignalMask.AllDiscrete & ~SignalMask.Speed });
        _driver.Feed(LiftSample.Input(1_000_000, SignalMask.Run, true));
        _driver.Feed(new LiftSample(6_000_000, SignalMask.Floor, default, 2, default, false, default, false, false, 0, 0, false, false, false, false, false, 0, 0, 0));
        _driver.Feed(LiftSample.Input(6_500_000, SignalMask.Run, false));
        var trip = Assert.Single(_sink.Trips);
        Assert.Null(trip.MaxSpeedMmS);
        Assert.Equal(3 * 3200, trip.DistanceMm);
        Assert.Equal(TravelDirection.Down, trip.Direction);
    }

    [Fact]
    public void Re_levelling_at_a_floor_is_a_trip_but_not_a_run()
    {
        _driver.Feed(SyntheticLift.Rest(0, 3));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 3, TravelDirection.Down, true, 80));
        _driver.Feed(SyntheticLift.Controller(1_500_000, 3, TravelDirection.None, false, 0));
        var trip = Assert.Single(_sink.Trips);
        Assert.Equal(TripKind.Relevelling, trip.Kind);
        Assert.False(trip.IsCompletedNormalRun);
    }

    [Fact]
    public void A_trip_that_stops_outside_the_door_zone_is_not_levelled()
    {
        _driver.Feed(SyntheticLift.Rest(0, 3));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 3, TravelDirection.Up, true, 800));
        _driver.Feed(SyntheticLift.Zone(1_200_000, false));
        _driver.Feed(SyntheticLift.Controller(3_000_000, 4, TravelDirection.None, false, 0));
        var trip = Assert.Single(_sink.Trips);
        Assert.False(trip.Levelled);
        Assert.False(trip.IsCompletedNormalRun);
    }

    [Fact]
    public void A_trip_is_abandoned_when_the_link_drops_and_none_starts_until_the_car_is_seen_stopped()
    {
        _driver.Feed(SyntheticLift.Rest(0, 3));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 3, TravelDirection.Up, true, 800));
        _driver.Feed(LiftSample.Input(2_000_000, SignalMask.Link, false));
        Assert.False(_stage.IsMoving);
        Assert.Equal(1, _stage.AbandonedTrips);

        // Link back while the car is still moving: the trip's start is unknown, so no trip is made of it.
        _driver.Feed(LiftSample.Input(3_000_000, SignalMask.Link, true));
        _driver.Feed(SyntheticLift.Controller(3_100_000, 5, TravelDirection.Up, true, 700));
        _driver.Feed(SyntheticLift.Controller(4_000_000, 6, TravelDirection.None, false, 0));
        Assert.Empty(_sink.Trips);

        // From here on trips are recorded again.
        _driver.Feed(SyntheticLift.Controller(5_000_000, 6, TravelDirection.Down, true, 700));
        _driver.Feed(SyntheticLift.Controller(7_000_000, 5, TravelDirection.None, false, 0));
        var trip = Assert.Single(_sink.Trips);
        Assert.Equal(6, trip.FromFloor);
        Assert.Equal(5, trip.ToFloor);
    }

    [Fact]
    public void Car_moving_at_start_up_makes_no_trip_until_it_has_stopped()
    {
        _driver.Feed(SyntheticLift.Controller(0, 3, TravelDirection.Up, true, 800));
        _driver.Feed(SyntheticLift.Controller(1_000_000, 4, TravelDirection.None, false, 0));
        Assert.Empty(_sink.Trips);
    }

    [Fact]
    public void Mode_at_start_and_end_is_recorded()
    {
        _driver.Feed(SyntheticLift.Rest(0, 3) with { Mode = LiftMode.Inspection });
        _driver.Feed(SyntheticLift.Controller(1_000_000, 3, TravelDirection.Up, true, 300));
        _driver.Feed(SyntheticLift.Controller(3_000_000, 4, TravelDirection.None, false, 0));
        var trip = Assert.Single(_sink.Trips);
        Assert.Equal(LiftMode.Inspection, trip.StartMode);
        Assert.False(trip.IsCompletedNormalRun);
    }

    [Fact]
    public void Steady_state_allocates_nothing_per_sample()
    {
        var samples = new List<LiftSample>();
        for (var i = 0; i < 4; i++)
        {
            samples.AddRange(SyntheticLift.Trip(i * 30, i % 2 == 0 ? 1 : 6, i % 2 == 0 ? 6 : 1,
                vibration: tau => 0.05 * Math.Sin(2 * Math.PI * 1.5 * tau)));
        }

        var array = samples.ToArray();
        var warmUp = new StageDriver(_stage);
        warmUp.Feed(array); // warm-up: JIT, rate probe, first trip
        var driver = new StageDriver(_stage);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < array.Length; i++)
        {
            driver.Feed(array[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(_sink.Trips.Count >= 8);
    }

    [Fact]
    public void Options_validator_names_the_key()
    {
        var result = new TripOptionsValidator().Validate(null, new TripOptions { FloorHeightMm = 0 });
        Assert.Contains("Detection:Trips:FloorHeightMm", result.FailureMessage);
    }
}
