using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Faults;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Tests.Faults;

/// <summary>What each injected fault looks like on the normalised signals, independent of detection.</summary>
public class FaultSignalTests
{
    private static readonly LiftProfile Profile = LiftProfile.Default;

    private sealed record Run(Timeline Timeline, FaultRecord Record, SimulatedLift Lift, double Incident, double Recovery, double Ended)
    {
        public LiftState At(double seconds) => Timeline.At(seconds);
    }

    private static Run Inject(string fault, FaultOptions? options = null, int accelerometerHz = 0)
    {
        options ??= new FaultOptions();
        options.Fault = fault;
        options.AtSeconds = 1;
        var lift = new SimulatedLift(Profile, new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 0,
            AccelerometerHz = accelerometerHz,
            Faults = [options],
        });
        var timeline = new Timeline();
        for (var i = 0; i < 300 && (lift.Faults.Pending > 0 || lift.Faults.Active is not null); i++)
        {
            lift.RunFor(TimeSpan.FromSeconds(5), timeline);
        }

        lift.RunFor(TimeSpan.FromSeconds(5), timeline);
        var record = Assert.Single(lift.Faults.Records);
        Assert.True(record.IsFinished, $"{fault} did not finish: {record}");
        AssertBackInService(timeline.Last);
        return new Run(timeline, record, lift, record.IncidentMicros!.Value / 1e6, record.RecoveryMicros!.Value / 1e6, record.EndedMicros!.Value / 1e6);
    }

    private static void AssertBackInService(LiftState s)
    {
        Assert.Equal(LiftMode.Normal, s.Mode);
        Assert.True(s.Zone && s.Lock && s.Safety && s.Link && s.Mains, "not back in normal service");
        Assert.False(s.Run || s.Occupied || s.Alarm);
        Assert.Equal(DoorState.Closed, s.Door);
        Assert.Equal(0, s.Fault);
        Assert.True(Profile.IsValidFloor(s.Floor));
    }

    private static void AssertStoppedWithPassenger(LiftState s, bool inZone)
    {
        Assert.False(s.Run);
        Assert.Equal(0, s.SpeedMmS);
        Assert.Equal(DoorState.Closed, s.Door);
        Assert.True(s.Occupied);
        Assert.Equal(inZone, s.Zone);
    }

    [Fact]
    public void Entrapment_stops_mid_shaft_with_a_passenger_who_presses_the_alarm_then_is_rescued()
    {
        var run = Inject("entrapment");
        var stuck = run.At(run.Incident + 0.2);
        AssertStoppedWithPassenger(stuck, inZone: false);
        Assert.Equal(21, stuck.Fault);
        Assert.Equal(LiftMode.Normal, stuck.Mode);
        Assert.Equal(stuck, run.At(run.Incident + 59.9) with { TimeMicros = stuck.TimeMicros });
        Assert.True(run.At(run.Incident + 61).Alarm);
        Assert.False(run.At(run.Incident + 63.5).Alarm);

        var rescue = run.At(run.Recovery + 0.2);
        Assert.Equal(LiftMode.Inspection, rescue.Mode);
        Assert.Equal(0, rescue.Fault);
        Assert.Contains(run.Timeline.Changes(SignalMask.Speed), c => c.Seconds > run.Recovery && Math.Abs(c.State.SpeedMmS) is > 0 and <= 300);
        Assert.Contains(run.Timeline.Changes(SignalMask.Occupied), c => c.Seconds > run.Recovery && !c.State.Occupied && c.State.Door == DoorState.Open && c.State.Zone);
    }

    [Fact]
    public void Shut_in_at_floor_arrives_levelled_and_keeps_the_doors_closed_until_released()
    {
        var run = Inject("shut_in_at_floor", new FaultOptions { DurationSeconds = 45 });
        AssertStoppedWithPassenger(run.At(run.Incident + 0.2), inZone: true);
        Assert.Equal(0, run.At(run.Incident + 0.2).Fault);
        Assert.DoesNotContain(run.Timeline.Changes(SignalMask.Door), c => c.Seconds > run.Incident && c.Seconds < run.Recovery);
        Assert.Equal(45, run.Recovery - run.Incident, 2);
        Assert.Equal(DoorState.Opening, run.At(run.Recovery + 0.2).Door);
    }

    [Fact]
    public void Stop_outside_door_zone_stops_an_empty_car_short_of_the_landing_then_relevels()
    {
        var run = Inject("stop_outside_door_zone");
        var stopped = run.At(run.Incident + 0.2);
        Assert.False(stopped.Run || stopped.Zone || stopped.Occupied);
        Assert.Equal(DoorState.Closed, stopped.Door);
        Assert.True(run.At(run.Recovery - 0.1) is { Zone: false, Run: false });
        var relevelled = run.Timeline.Changes(SignalMask.Zone).First(c => c.Seconds > run.Recovery);
        Assert.True(relevelled.State.Zone);
        Assert.InRange(Math.Abs(relevelled.State.SpeedMmS), 1, 300);
    }

    [Fact]
    public void Door_stuck_opening_stays_opening_until_released()
    {
        var run = Inject("door_stuck_opening");
        for (var t = run.Incident + 0.2; t < run.Recovery; t += 1)
        {
            Assert.Equal(DoorState.Opening, run.At(t).Door);
            Assert.False(run.At(t).Run);
        }

        Assert.Contains(run.Timeline.Changes(SignalMask.Door), c => c.Seconds > run.Recovery && c.State.Door == DoorState.Open);
    }

    [Fact]
    public void Door_cannot_close_stays_closing_until_released()
    {
        var run = Inject("door_cannot_close");
        for (var t = run.Incident + 0.2; t < run.Recovery; t += 1)
        {
            Assert.Equal(DoorState.Closing, run.At(t).Door);
            Assert.False(run.At(t).Lock);
        }

        Assert.True(run.Recovery - run.Incident >= 25);
    }

    [Fact]
    public void Door_reversals_reopen_closing_the_configured_number_of_times_without_reaching_closed()
    {
        var run = Inject("door_reversals", new FaultOptions { Count = 7 });
        var doors = run.Timeline.Changes(SignalMask.Door).Where(c => c.Seconds >= run.Incident - 0.2 && c.Seconds <= run.Recovery + 0.2).Select(c => c.State.Door).ToList();
        var reversals = 0;
        for (var i = 1; i < doors.Count; i++)
        {
            Assert.NotEqual(DoorState.Closed, doors[i]);
            if (doors[i - 1] == DoorState.Closing && doors[i] == DoorState.Opening)
            {
                reversals++;
            }
        }

        Assert.Equal(7, reversals);
    }

    [Fact]
    public void Door_open_while_running_reports_the_door_opening_and_the_lock_open_mid_run()
    {
        var run = Inject("door_open_while_running");
        var glitch = run.At(run.Incident + 0.15);
        Assert.True(glitch.Run);
        Assert.Equal(DoorState.Opening, glitch.Door);
        Assert.False(glitch.Lock);
        Assert.True(Math.Abs(glitch.SpeedMmS) > 300);
        var after = run.At(run.Incident + 1.35);
        Assert.True(after.Run && after.Lock);
        Assert.Equal(DoorState.Closed, after.Door);
    }

    [Fact]
    public void Lock_bounce_opens_the_lock_contact_briefly_mid_run()
    {
        var run = Inject("lock_bounce");
        var bounce = run.At(run.Incident + 0.15);
        Assert.True(bounce.Run);
        Assert.False(bounce.Lock);
        Assert.Equal(DoorState.Closed, bounce.Door);
        Assert.True(run.At(run.Incident + 0.85).Lock);
    }

    [Fact]
    public void Overspeed_runs_away_downwards_until_the_safety_gear_stops_the_car()
    {
        var run = Inject("overspeed", accelerometerHz: 200);
        var tripStart = run.Timeline.Changes(SignalMask.Run).Last(c => c.Seconds < run.Incident && c.State.Run).Seconds;
        var speeds = run.Timeline.Changes(SignalMask.Speed).Where(c => c.Seconds >= tripStart && c.Seconds < run.Incident).Select(c => c.State.SpeedMmS).ToList();
        // The governor trips at 1.3 × rated; the 100 ms controller tick may see the last value just below it.
        Assert.True(speeds.Min() <= -1.25 * Profile.RatedSpeedMmS, $"min speed {speeds.Min()}");
        Assert.True(speeds.Max() <= 0, "the runaway is downwards");

        var stopped = run.At(run.Incident + 0.2);
        AssertStoppedWithPassenger(stopped, inZone: false);
        Assert.False(stopped.Safety);
        Assert.Equal(52, stopped.Fault);
        Assert.True(run.At(run.Recovery + 0.2).Safety);
    }

    [Theory]
    [InlineData("overrun_top")]
    [InlineData("overrun_bottom")]
    public void Overrun_stops_beyond_the_terminal_landing_with_a_passenger(string fault)
    {
        var run = Inject(fault);
        var stopped = run.At(run.Incident + 0.2);
        AssertStoppedWithPassenger(stopped, inZone: false);
        Assert.Equal(fault == "overrun_top" ? Profile.HighestFloor : Profile.LowestFloor, stopped.Floor);
        Assert.Equal(44, stopped.Fault);
        var approach = run.Timeline.Changes(SignalMask.Dir).Last(c => c.Seconds < run.Incident && c.State.Dir != TravelDirection.None);
        Assert.Equal(fault == "overrun_top" ? TravelDirection.Up : TravelDirection.Down, approach.State.Dir);
    }

    [Fact]
    public void Unintended_movement_creeps_away_with_the_doors_open_and_run_off()
    {
        var run = Inject("unintended_movement");
        Assert.True(run.At(run.Incident) is { Zone: true, Run: false, Door: DoorState.Open });
        var drift = run.Timeline.Changes(SignalMask.Speed | SignalMask.Zone).Where(c => c.Seconds > run.Incident && c.Seconds < run.Incident + 3).ToList();
        Assert.All(drift, c => Assert.True(!c.State.Run && c.State.Door == DoorState.Open));
        Assert.Contains(drift, c => c.State.SpeedMmS <= -150);
        Assert.Contains(drift, c => !c.State.Zone);
        var caught = run.At(run.Incident + 3.5);
        Assert.Equal(0, caught.SpeedMmS);
        Assert.Equal(60, caught.Fault);
        Assert.False(caught.Zone);
    }

    [Fact]
    public void Controller_fault_safety_open_and_invalid_floor_show_at_rest_for_their_duration()
    {
        var fault = Inject("controller_fault", new FaultOptions { Code = 77, DurationSeconds = 12 });
        Assert.Equal(77, fault.At(fault.Incident + 0.2).Fault);
        Assert.Equal(77, fault.At(fault.Incident + 11.8).Fault);
        Assert.Equal(0, fault.At(fault.Recovery + 0.2).Fault);

        var safety = Inject("safety_open");
        Assert.False(safety.At(safety.Incident + 0.2).Safety);
        Assert.False(safety.At(safety.Incident + 0.2).Run);
        Assert.True(safety.At(safety.Recovery + 0.2).Safety);

        var floor = Inject("invalid_floor", new FaultOptions { Floor = -7 });
        Assert.Equal(-7, floor.At(floor.Incident + 0.2).Floor);
        Assert.True(Profile.IsValidFloor(floor.At(floor.Recovery + 0.2).Floor));
    }

    [Fact]
    public void Link_loss_freezes_the_controller_signals_until_the_link_returns()
    {
        var run = Inject("link_loss");
        Assert.False(run.At(run.Incident + 0.2).Link);
        Assert.DoesNotContain(
            run.Timeline.Discrete,
            s => s.TimeMicros > (run.Incident + 0.2) * 1e6 && s.TimeMicros < run.Recovery * 1e6 && (s.Set & SignalMask.Controller) != 0);
        Assert.True(run.At(run.Recovery + 0.2).Link);
    }

    [Fact]
    public void Alarm_button_is_held_by_a_riding_passenger()
    {
        var run = Inject("alarm_button");
        foreach (var t in new[] { 0.1, 1.0, 2.4 })
        {
            var s = run.At(run.Incident + t);
            Assert.True(s.Alarm && s.Occupied && s.Run);
        }

        Assert.False(run.At(run.Incident + 2.6).Alarm);
    }

    [Fact]
    public void Mains_loss_takes_the_controller_down_and_it_answers_again_after_booting()
    {
        var run = Inject("mains_loss");
        var down = run.At(run.Incident + 0.2);
        Assert.False(down.Mains || down.Link);
        Assert.True(run.At(run.Recovery + 0.1).Mains);
        Assert.False(run.At(run.Recovery + 2.8).Link);
        Assert.True(run.At(run.Recovery + 3.2).Link);
    }

    [Fact]
    public void Inspection_visit_moves_slowly_one_floor_and_back()
    {
        var run = Inject("inspection");
        Assert.Equal(LiftMode.Inspection, run.At(run.Incident + 0.2).Mode);
        var start = run.At(run.Incident).Floor;
        var during = run.Timeline.Changes(SignalMask.Speed | SignalMask.Floor).Where(c => c.Seconds > run.Incident && c.Seconds < run.Recovery).ToList();
        Assert.All(during, c => Assert.True(Math.Abs(c.State.SpeedMmS) <= 300));
        Assert.Contains(during, c => c.State.Floor == start + 1);
        Assert.Equal(start, run.At(run.Recovery).Floor);
        Assert.Equal(LiftMode.Normal, run.At(run.Recovery + 0.2).Mode);
    }

    [Fact]
    public void Fire_service_recalls_to_the_main_floor_and_holds_the_doors_open()
    {
        var run = Inject("fire_service", new FaultOptions { Floor = 8 });
        Assert.Equal(LiftMode.Fire, run.At(run.Incident + 0.2).Mode);
        var held = run.At(run.Recovery - 0.1);
        Assert.Equal(8, held.Floor);
        Assert.Equal(DoorState.Open, held.Door);
        Assert.Equal(LiftMode.Normal, run.Timeline.Last.Mode);
    }

    [Fact]
    public void Faults_wait_for_the_car_and_run_one_at_a_time()
    {
        var lift = new SimulatedLift(Profile, new SimulationOptions
        {
            Scenario = SimulationScenario.Traffic,
            TrafficCallsPerHour = 600,
            AccelerometerHz = 0,
            Faults =
            [
                new() { Fault = "controller_fault", AtSeconds = 60 },
                new() { Fault = "safety_open", AtSeconds = 60 },
                new() { Fault = "alarm_button", AtSeconds = 30 },
            ],
        });
        lift.RunFor(TimeSpan.FromMinutes(10), new Timeline());

        var records = lift.Faults.Records;
        Assert.Equal([FaultKind.AlarmButton, FaultKind.ControllerFault, FaultKind.SafetyOpen], records.Select(r => r.Kind));
        Assert.All(records, r => Assert.True(r.IsFinished && r.StartedMicros >= r.DueMicros));
        for (var i = 1; i < records.Count; i++)
        {
            Assert.True(records[i].StartedMicros >= records[i - 1].EndedMicros);
        }
    }

    [Fact]
    public void Demo_scenario_traps_a_passenger_about_twenty_seconds_after_the_start()
    {
        var lift = new SimulatedLift(Profile, new SimulationOptions());
        lift.RunFor(TimeSpan.FromSeconds(30), new Timeline());
        Assert.Equal("entrapment", lift.Snapshot.ActiveFault);
        lift.RunFor(TimeSpan.FromMinutes(4), new Timeline());
        Assert.Null(lift.Snapshot.ActiveFault);

        var record = Assert.Single(lift.Faults.Records);
        Assert.Equal(FaultKind.Entrapment, record.Kind);
        Assert.True(record.Passenger);
        Assert.InRange(record.IncidentMicros!.Value / 1e6, 12, 25);
        Assert.True(record.IsFinished);
    }
}
