using EdgeGateway.Core.Events;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tests.Support;
using static EdgeGateway.Core.Events.EventPhase;
using static EdgeGateway.Core.Events.EventType;

namespace EdgeGateway.Detection.Tests.Rules;

public sealed class PeopleAndBoxRuleTests
{
    [Fact]
    public void Entrapment_after_30_s_shut_in_with_between_floors_detail_cleared_when_the_door_opens()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Occupied(true)).AdvanceTo(30_999);
        Assert.Empty(h.Events);
        h.AdvanceTo(31_000).Feed(Samples.At(40_000).Door(DoorState.Opening).Lock(false));
        h.AssertEvents((Entrapment, Raised, 31_000), (Entrapment, Cleared, 40_000));
        Assert.False(h.Events[0].Detail.BetweenFloors);
        Assert.Equal(3, h.Events[0].Floor);
    }

    [Fact]
    public void Entrapment_between_floors_and_the_alarm_button_held_1_s_raises_at_once()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(500).Run(true).Speed(1000), Samples.At(800).Zone(false),
            Samples.At(1000).Run(false).Speed(0).Occupied(true), Samples.At(5000).Alarm(true)).AdvanceTo(6000);
        h.AssertEvents((Entrapment, Raised, 6000), (AlarmButton, Instant, 6000));
        Assert.True(h.Events[0].Detail.BetweenFloors);
    }

    [Fact]
    public void Entrapment_clears_after_10_s_unoccupied_but_not_on_a_short_flicker()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Occupied(true)).AdvanceTo(40_000);
        h.Feed(Samples.At(41_000).Occupied(false), Samples.At(45_000).Occupied(true), Samples.At(50_000).Occupied(false)).AdvanceTo(60_000);
        h.AssertEvents((Entrapment, Raised, 31_000), (Entrapment, Cleared, 60_000));
    }

    [Fact]
    public void No_entrapment_in_inspection_nor_with_the_door_open_nor_while_the_link_is_down()
    {
        var inspection = new EngineHarness().Feed(Samples.Idle(0), Samples.At(100).Mode(LiftMode.Inspection), Samples.At(1000).Occupied(true)).AdvanceTo(100_000);
        Assert.DoesNotContain(inspection.Events, e => e.Type == Entrapment);
        var doorOpen = new EngineHarness().Feed(Samples.Idle(0), Samples.At(100).Door(DoorState.Open).Lock(false), Samples.At(1000).Occupied(true)).AdvanceTo(100_000);
        Assert.Empty(doorOpen.Events);
        var linkDown = new EngineHarness().Feed(Samples.Idle(0), Samples.At(100).Link(false), Samples.At(1000).Occupied(true)).AdvanceTo(100_000);
        linkDown.AssertEvents((LinkLost, Raised, 3100));
        // The link returns: the rules watch again from that moment, 30 s later the shut-in is reported.
        linkDown.Feed(Samples.At(100_000).Link(true)).AdvanceTo(130_000);
        linkDown.AssertEvents((LinkLost, Raised, 3100), (LinkLost, Cleared, 100_000), (Entrapment, Raised, 130_000));
    }

    [Fact]
    public void Link_loss_suspends_controller_rules_and_keeps_active_events()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Fault(7)).AdvanceTo(2000);
        h.Feed(Samples.At(3000).Link(false), Samples.At(4000).Safety(false).Fault(0)).AdvanceTo(20_000);
        h.AssertEvents((ControllerFault, Raised, 2000), (LinkLost, Raised, 6000));
        Assert.Equal(7, h.Events[0].Detail.Code);
    }

    [Fact]
    public void Unknown_signals_keep_rules_silent()
    {
        // Only occupancy and the door are known: no motion, so no entrapment however long.
        var h = new EngineHarness().Feed(Samples.At(0).Occupied(true).Door(DoorState.Closed).Mode(LiftMode.Normal)).AdvanceTo(1_000_000);
        Assert.Empty(h.Events);
        Assert.Null(new EngineHarness().Feed(Samples.At(0).Mains(false)).AdvanceTo(2000).Events[0].Floor);
    }

    [Fact]
    public void Alarm_button_held_1_s_once_per_press_short_presses_ignored()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Alarm(true), Samples.At(1500).Alarm(false),
            Samples.At(2000).Alarm(true)).AdvanceTo(10_000);
        h.Feed(Samples.At(10_500).Alarm(false));
        h.AssertEvents((AlarmButton, Instant, 3000));
    }

    [Fact]
    public void Alarm_button_filtered_when_stopped_in_the_zone_with_the_door_open_but_not_when_the_link_is_down()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(500).Door(DoorState.Open).Lock(false), Samples.At(1000).Alarm(true)).AdvanceTo(5000);
        Assert.Empty(h.Events);
        var g = new EngineHarness().Feed(Samples.Idle(0), Samples.At(500).Door(DoorState.Open).Lock(false), Samples.At(600).Link(false),
            Samples.At(1000).Alarm(true)).AdvanceTo(2000);
        g.AssertEvents((AlarmButton, Instant, 2000));
    }

    [Fact]
    public void Power_loss_and_restore_each_held_1_s_even_with_the_link_down()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Mains(false).Link(false)).AdvanceTo(2000);
        h.Feed(Samples.At(10_000).Mains(true), Samples.At(10_500).Mains(false), Samples.At(11_000).Mains(true)).AdvanceTo(12_000);
        h.AssertEvents((PowerLoss, Raised, 2000), (LinkLost, Raised, 4000), (PowerLoss, Cleared, 12_000));
    }

    [Fact]
    public void Inspection_raised_and_cleared_other_mode_changes_instant_with_from_and_to()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Mode(LiftMode.Inspection), Samples.At(2000).Mode(LiftMode.Normal),
            Samples.At(3000).Mode(LiftMode.Fire));
        h.AssertEvents((Inspection, Raised, 1000), (Inspection, Cleared, 2000), (ModeChange, Instant, 3000));
        Assert.Equal((LiftMode.Normal, LiftMode.Fire), (h.Events[2].Detail.From, h.Events[2].Detail.To));
    }

    [Fact]
    public void Sensor_faults_raised_once_per_sensor_and_cleared_naming_the_sensor()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0));
        h.Engine.ReportSensorHealth(1_000_000, "accelerometer", "no answer at 0x18 on i2c-1");
        h.Engine.ReportSensorHealth(1_500_000, "accelerometer", "still no answer");
        h.Engine.ReportSensorHealth(1_600_000, "gpio:zone", "stuck");
        h.Engine.ReportSensorHealth(2_000_000, "accelerometer", null);
        h.Engine.ReportSensorHealth(2_100_000, "accelerometer", null);
        h.AssertEvents((SensorFault, Raised, 1000), (SensorFault, Raised, 1600), (SensorFault, Cleared, 2000));
        Assert.Equal("accelerometer", h.Events[0].Detail.Sensor);
        Assert.Equal("no answer at 0x18 on i2c-1", h.Events[0].Detail.Reason);
        Assert.Equal("accelerometer", h.Events[2].Detail.Sensor);
        Assert.Equal(["gpio:zone"], h.Engine.FaultySensors);
    }

    [Fact]
    public void Disabled_events_are_not_reported_and_timings_are_configurable()
    {
        var options = new DetectionOptions { EntrapmentSeconds = 5 };
        options.Enabled.LinkLost = false;
        var h = new EngineHarness(options).Feed(Samples.Idle(0), Samples.At(1000).Occupied(true)).AdvanceTo(7000);
        h.Feed(Samples.At(8000).Link(false)).AdvanceTo(20_000);
        h.AssertEvents((Entrapment, Raised, 6000));
    }

    [Fact]
    public void Holds_that_end_between_samples_fire_in_time_order()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Fault(3).Mains(false).Safety(false)).AdvanceTo(5000);
        h.AssertEvents((SafetyCircuitOpen, Raised, 1500), (PowerLoss, Raised, 2000), (ControllerFault, Raised, 2000));
    }

    [Fact]
    public void Options_validator_reports_every_bad_key_at_once()
    {
        var options = new DetectionOptions { EntrapmentSeconds = -1, OverspeedFactor = 0.9, DoorReversalCount = 0, EmergencyStopFilterHz = double.NaN };
        var result = new DetectionOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Detection:EntrapmentSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Detection:OverspeedFactor", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Detection:DoorReversalCount", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Detection:EmergencyStopFilterHz", StringComparison.Ordinal));
        Assert.True(new DetectionOptionsValidator().Validate(null, new DetectionOptions()).Succeeded);
    }

    [Fact]
    public void The_profile_sets_the_overspeed_threshold()
    {
        var slow = new LiftProfile("SLOW", 0, 5, 1000);
        var h = new EngineHarness(profile: slow).Feed(Samples.Idle(0, floor: 2), Samples.At(1000).Run(true).Zone(false).Speed(1200)).AdvanceTo(2000);
        h.AssertEvents((Overspeed, Raised, 1500));
    }
}
