using EdgeGateway.Core.Signals;

namespace EdgeGateway.Core.Tests.Signals;

public class LiftStateTests
{
    [Fact]
    public void First_value_of_a_signal_counts_as_a_change_and_becomes_known()
    {
        var state = default(LiftState);
        var changed = state.Apply(LiftSample.Input(1_000, SignalMask.Zone, false));

        Assert.Equal(SignalMask.Zone, changed);
        Assert.True(state.IsKnown(SignalMask.Zone));
        Assert.False(state.IsKnown(SignalMask.Occupied));
        Assert.Equal(1_000, state.TimeMicros);
    }

    [Fact]
    public void Repeating_a_value_is_not_a_change_but_a_new_value_is()
    {
        var state = default(LiftState);
        state.Apply(LiftSample.Input(0, SignalMask.Occupied, true));

        Assert.Equal(SignalMask.None, state.Apply(LiftSample.Input(10, SignalMask.Occupied, true)));
        Assert.Equal(SignalMask.Occupied, state.Apply(LiftSample.Input(20, SignalMask.Occupied, false)));
        Assert.False(state.Occupied);
    }

    [Fact]
    public void Signals_not_in_the_mask_keep_their_last_value()
    {
        var state = default(LiftState);
        var full = new LiftSample(0, SignalMask.AllDiscrete, LiftMode.Normal, 7, TravelDirection.Up, true, DoorState.Closed,
            true, true, 0, 1500, true, false, true, false, true, 0, 0, 0);
        state.Apply(full);

        // A sample that only says the floor changed; its other fields hold garbage that must be ignored.
        var floorOnly = full with { TimeMicros = 100, Set = SignalMask.Floor, Floor = 8, Run = false, SpeedMmS = -3 };
        var changed = state.Apply(floorOnly);

        Assert.Equal(SignalMask.Floor, changed);
        Assert.Equal(8, state.Floor);
        Assert.True(state.Run);
        Assert.Equal(1500, state.SpeedMmS);
    }

    [Fact]
    public void Acceleration_samples_touch_only_the_accelerometer()
    {
        var state = default(LiftState);
        state.Apply(LiftSample.Input(0, SignalMask.Mains, true));
        var changed = state.Apply(LiftSample.Acceleration(5_000, 0.1f, -0.2f, 9.81f));

        Assert.Equal(SignalMask.Acc, changed);
        Assert.True(state.Mains);
        Assert.Equal(9.81f, state.AccZ);
        Assert.True(state.IsKnown(SignalMask.Acc | SignalMask.Mains));
    }

    [Fact]
    public void From_state_carries_exactly_the_known_discrete_signals()
    {
        var state = default(LiftState);
        state.Apply(LiftSample.Input(0, SignalMask.Zone, true));
        state.Apply(LiftSample.Acceleration(1, 0, 0, 9.8f));

        var sample = LiftSample.From(42, state);

        Assert.Equal(SignalMask.Zone, sample.Set);
        Assert.True(sample.Zone);
        Assert.Equal(42, sample.TimeMicros);
    }

    [Fact]
    public void Input_rejects_a_non_boolean_signal()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LiftSample.Input(0, SignalMask.Floor, true));
    }
}
