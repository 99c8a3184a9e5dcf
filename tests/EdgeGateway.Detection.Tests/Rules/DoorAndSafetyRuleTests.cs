using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tests.Support;
using static EdgeGateway.Core.Events.EventPhase;
using static EdgeGateway.Core.Events.EventType;

namespace EdgeGateway.Detection.Tests.Rules;

public sealed class DoorAndSafetyRuleTests
{
    [Fact]
    public void Safety_circuit_open_fires_at_the_end_of_the_hold_without_a_sample_and_clears_after_its_own_hold()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Safety(false));
        h.AdvanceTo(1499);
        Assert.Empty(h.Events);
        h.AdvanceTo(5000);
        h.Feed(Samples.At(6000).Safety(true));
        h.AdvanceTo(6499);
        h.Feed(Samples.At(7000));
        h.AssertEvents((SafetyCircuitOpen, Raised, 1500), (SafetyCircuitOpen, Cleared, 6500));
        Assert.Equal(3, h.Events[0].Floor);
    }

    [Fact]
    public void A_later_sample_reports_the_event_at_the_hold_end_not_at_its_own_time()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Safety(false), Samples.At(9000).Fault(0));
        h.AssertEvents((SafetyCircuitOpen, Raised, 1500));
    }

    [Fact]
    public void Safety_circuit_short_opening_and_short_closing_do_nothing()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Safety(false), Samples.At(1400).Safety(true)).AdvanceTo(10_000);
        Assert.Empty(h.Events);
        h.Feed(Samples.At(11_000).Safety(false), Samples.At(12_000).Safety(true), Samples.At(12_300).Safety(false)).AdvanceTo(20_000);
        h.AssertEvents((SafetyCircuitOpen, Raised, 11_500));
    }

    [Fact]
    public void Safety_circuit_open_in_inspection_is_the_technician_at_work()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Mode(LiftMode.Inspection), Samples.At(2000).Safety(false)).AdvanceTo(60_000);
        h.AssertEvents((Inspection, Raised, 1000));
    }

    [Fact]
    public void Door_close_failure_after_15_s_closing_cleared_when_closed()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Closing)).AdvanceTo(15_999);
        Assert.Empty(h.Events);
        h.AdvanceTo(16_000).Feed(Samples.At(20_000).Door(DoorState.Closed));
        h.AssertEvents((DoorCloseFailure, Raised, 16_000), (DoorCloseFailure, Cleared, 20_000));
    }

    [Fact]
    public void Five_reversals_within_60_s_without_closing_raise_at_the_fifth()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0));
        var t = 1000.0;
        for (var i = 0; i < 5; i++)
        {
            h.Feed(Samples.At(t).Door(DoorState.Closing), Samples.At(t + 2000).Door(DoorState.Opening), Samples.At(t + 3000).Door(DoorState.Open));
            t += 5000;
        }

        h.AssertEvents((DoorCloseFailure, Raised, 23_000));
        h.Feed(Samples.At(t).Door(DoorState.Closing), Samples.At(t + 2000).Door(DoorState.Opening));
        Assert.Single(h.Events);
    }

    [Fact]
    public void Reversals_spread_over_more_than_60_s_or_interrupted_by_closed_do_not_raise()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0));
        var t = 1000.0;
        for (var i = 0; i < 6; i++)
        {
            // 16 s per cycle: 5 reversals span 64 s.
            h.Feed(Samples.At(t).Door(DoorState.Closing), Samples.At(t + 2000).Door(DoorState.Opening), Samples.At(t + 3000).Door(DoorState.Open));
            t += 16_000;
        }

        Assert.Empty(h.Events);
        var g = new EngineHarness().Feed(Samples.Idle(0));
        t = 1000.0;
        for (var i = 0; i < 8; i++)
        {
            g.Feed(Samples.At(t).Door(DoorState.Closing), Samples.At(t + 1000).Door(DoorState.Opening), Samples.At(t + 2000).Door(DoorState.Open));
            if (i == 3)
            {
                g.Feed(Samples.At(t + 2500).Door(DoorState.Closing), Samples.At(t + 3000).Door(DoorState.Closed), Samples.At(t + 3500).Door(DoorState.Opening));
            }

            t += 4000;
        }

        Assert.Empty(g.Events);
    }

    [Fact]
    public void Door_open_failure_when_stopped_and_opening_10_s_cleared_when_open()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Opening).Lock(false)).AdvanceTo(11_000);
        h.Feed(Samples.At(12_500).Door(DoorState.Open));
        h.AssertEvents((DoorOpenFailure, Raised, 11_000), (DoorOpenFailure, Cleared, 12_500));
    }

    [Fact]
    public void Door_open_while_running_after_300_ms_cleared_by_run_false()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Dir(TravelDirection.Up).Speed(1000).Zone(false),
            Samples.At(2000).Door(DoorState.Opening)).AdvanceTo(2300);
        h.Feed(Samples.At(3000).Run(false).Speed(0));
        h.AssertEvents((DoorOpenWhileRunning, Raised, 2300), (DoorOpenWhileRunning, Cleared, 3000));
    }

    [Fact]
    public void Relevelling_with_doors_open_in_the_zone_is_no_fault()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Open).Lock(false),
            Samples.At(2000).Run(true).Dir(TravelDirection.Down).Speed(-100), Samples.At(4000).Run(false).Speed(0)).AdvanceTo(10_000);
        Assert.Empty(h.Events);
        // Too fast for re-levelling: the exception stops at 300 mm/s.
        var g = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Door(DoorState.Open).Lock(false),
            Samples.At(2000).Run(true).Dir(TravelDirection.Down).Speed(-400)).AdvanceTo(10_000);
        g.AssertEvents((DoorOpenWhileRunning, Raised, 2300), (DoorLockCircuitOpen, Raised, 2300));
    }

    [Fact]
    public void Door_lock_circuit_open_while_running_cleared_by_lock()
    {
        var h = new EngineHarness().Feed(Samples.Idle(0), Samples.At(1000).Run(true).Speed(1500).Zone(false),
            Samples.At(2000).Lock(false), Samples.At(2200).Lock(true), Samples.At(3000).Lock(false), Samples.At(3500).Lock(true));
        h.AssertEvents((DoorLockCircuitOpen, Raised, 3300), (DoorLockCircuitOpen, Cleared, 3500));
    }
}
