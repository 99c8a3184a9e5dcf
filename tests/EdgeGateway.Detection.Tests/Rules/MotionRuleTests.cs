using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tests.Support;
using static EdgeGateway.Core.Events.EventPhase;
using static EdgeGateway.Core.Events.EventType;

namespace EdgeGateway.Detection.Tests.Rules;

public sealed class MotionRuleTests
{
    [Fact]
    public void Stopped_outside_the_door_zone_after_10_s_cleared_by_zone()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Speed(800), Samples.At(2000).Zone(false),
            Samples.At(5000).Run(false).Speed(0)).AdvanceTo(15_000);
        h.Feed(Samples.At(20_000).Zone(true));
        h.AssertEvents((StoppedOutsideDoorZone, Raised, 15_000), (StoppedOutsideDoorZone, Cleared, 20_000));
    }

    [Fact]
    public void Stopped_outside_the_zone_in_inspection_is_silent()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(500).Mode(LiftMode.Inspection), Samples.At(1000).Zone(false)).AdvanceTo(60_000);
        h.AssertEvents((Inspection, Raised, 500));
    }

    [Fact]
    public void Speed_still_at_or_above_50_mm_s_is_not_stopped()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Zone(false).Speed(60)).AdvanceTo(60_000);
        Assert.DoesNotContain(h.Events, e => e.Type == StoppedOutsideDoorZone);
    }

    [Fact]
    public void Unintended_movement_on_zone_loss_with_doors_open_at_once_cleared_after_5_s_stopped()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Open).Lock(false),
            Samples.At(2000).Speed(-60), Samples.At(2100).Speed(-100), Samples.At(2150).Zone(false), Samples.At(2300).Speed(-30)).AdvanceTo(7299);
        h.AssertEvents((UnintendedMovement, Raised, 2150));
        h.AdvanceTo(7300);
        Assert.Equal((UnintendedMovement, Cleared, 7300_000L), (h.Events[1].Type, h.Events[1].Phase, h.Events[1].TimeMicros));
    }

    [Fact]
    public void Unintended_movement_on_creep_speed_held_200_ms()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Open).Lock(false),
            Samples.At(2000).Speed(150), Samples.At(2100).Speed(200)).AdvanceTo(2200);
        h.AssertEvents((UnintendedMovement, Raised, 2200));
    }

    [Fact]
    public void Zone_loss_while_running_or_with_doors_closed_is_normal_travel()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Speed(300), Samples.At(1500).Zone(false),
            Samples.At(9000).Zone(true), Samples.At(9200).Run(false).Speed(0), Samples.At(9300).Speed(200), Samples.At(9400).Zone(false)).AdvanceTo(9500);
        Assert.DoesNotContain(h.Events, e => e.Type == UnintendedMovement);
    }

    [Fact]
    public void Overspeed_above_115_percent_for_500_ms_cleared_after_1_s_at_rated()
    {
        // Rated 1750 mm/s: trip above 2012.5.
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Zone(false).Speed(2000), Samples.At(2000).Speed(2013))
            .AdvanceTo(2500);
        h.Feed(Samples.At(3000).Speed(1800), Samples.At(3200).Speed(1750)).AdvanceTo(4200);
        h.AssertEvents((Overspeed, Raised, 2500), (Overspeed, Cleared, 4200));
    }

    [Fact]
    public void Floor_outside_the_range_for_2_s_and_valid_again_for_2_s()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Floor(99)).AdvanceTo(3000);
        h.Feed(Samples.At(4000).Floor(3)).AdvanceTo(6000);
        h.AssertEvents((FloorPositionLost, Raised, 3000), (FloorPositionLost, Cleared, 6000));
        Assert.Equal(99, h.Events[0].Floor);
    }

    [Fact]
    public void A_floor_jump_of_two_while_moving_raises_at_once_a_jump_at_rest_does_not()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Speed(1000), Samples.At(2000).Floor(4), Samples.At(2500).Floor(6));
        h.AssertEvents((FloorPositionLost, Raised, 2500));
        var g = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Floor(6)).AdvanceTo(10_000);
        Assert.Empty(g.Events);
    }

    [Fact]
    public void Overrun_top_when_stopped_at_the_highest_floor_after_moving_up_outside_the_zone()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0, floor: 11), Samples.At(1000).Run(true).Dir(TravelDirection.Up).Speed(1000).Zone(false),
            Samples.At(3000).Floor(12), Samples.At(4000).Run(false).Dir(TravelDirection.None).Speed(0)).AdvanceTo(6000);
        h.Feed(Samples.At(7000).Zone(true));
        h.AssertEvents((OverrunTop, Raised, 6000), (OverrunTop, Cleared, 7000));
    }

    [Fact]
    public void Overrun_bottom_after_moving_down_and_not_after_moving_up()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0, floor: 0), Samples.At(1000).Run(true).Dir(TravelDirection.Down).Speed(-1000).Zone(false),
            Samples.At(3000).Floor(-1), Samples.At(4000).Run(false).Dir(TravelDirection.None).Speed(0)).AdvanceTo(6000);
        h.AssertEvents((OverrunBottom, Raised, 6000));
        var g = new EngineHarness().Feed(Samples.Idle(0, floor: -1), Samples.At(1000).Run(true).Dir(TravelDirection.Up).Speed(300).Zone(false),
            Samples.At(2000).Run(false).Dir(TravelDirection.None).Speed(0)).AdvanceTo(6000);
        Assert.DoesNotContain(g.Events, e => e.Type is OverrunBottom or OverrunTop);
    }

    [Fact]
    public void Emergency_stop_once_per_incident_from_the_low_passed_vertical_acceleration()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0));
        var t = 0.0;
        void Accelerate(double until, float z)
        {
            for (; t < until; t += 5)
            {
                h.Feed(Samples.At(t).Acc(z));
            }
        }

        Accelerate(1000, 9.81f);
        Accelerate(1300, 9.81f + 2.0f); // below 2.5 m/s²: nothing
        Accelerate(2000, 9.81f);
        Assert.Empty(h.Events);
        Accelerate(2400, 9.81f + 5.0f);
        Accelerate(2500, 9.81f);
        Accelerate(2900, 9.81f - 5.0f); // same incident: still within the re-arm second
        Accelerate(5000, 9.81f);
        Accelerate(5400, 9.81f + 5.0f);
        var stops = h.Of(EmergencyStop);
        Assert.Equal(2, stops.Count);
        Assert.All(stops, e => Assert.Equal(Instant, e.Phase));
        // 10 Hz first-order filter reaches 2.5 of a 5.0 step in ~11 ms, then the 40 ms hold.
        Assert.InRange(stops[0].TimeMicros / 1000.0, 2040, 2070);
    }
}
