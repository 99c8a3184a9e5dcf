using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Simulation.Lift;

namespace EdgeGateway.Simulation.Tests.Lift;

public class EmissionTests
{
    private static SimulationOptions Options(long seed = 3, int accelerometerHz = 200) => new()
    {
        Seed = seed,
        AccelerometerHz = accelerometerHz,
        TrafficCallsPerHour = 90,
        Faults = [new() { Fault = "overspeed", AtSeconds = 400 }, new() { Fault = "door_reversals", AtSeconds = 900 }],
    };

    [Fact]
    public void Same_seed_gives_the_identical_sample_stream()
    {
        var a = new SampleRecorder();
        var b = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options()).RunFor(TimeSpan.FromMinutes(20), a);
        new SimulatedLift(LiftProfile.Default, Options()).RunFor(TimeSpan.FromMinutes(20), b);

        Assert.True(a.Samples.Count > 200_000);
        Assert.Equal(a.Samples, b.Samples);
    }

    [Fact]
    public void Another_seed_gives_other_traffic()
    {
        var a = new SampleRecorder();
        var b = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options(seed: 3, accelerometerHz: 0)).RunFor(TimeSpan.FromMinutes(20), a);
        new SimulatedLift(LiftProfile.Default, Options(seed: 4, accelerometerHz: 0)).RunFor(TimeSpan.FromMinutes(20), b);

        Assert.NotEqual(a.Samples, b.Samples);
    }

    [Fact]
    public void Stepping_in_pieces_equals_one_run()
    {
        var whole = new SampleRecorder();
        var pieces = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options()).RunFor(TimeSpan.FromMinutes(10), whole);
        var lift = new SimulatedLift(LiftProfile.Default, Options());
        for (var t = 0L; t <= 600_000_000; t += 7_777)
        {
            lift.AdvanceTo(t, pieces);
        }

        lift.AdvanceTo(600_000_000, pieces);
        Assert.Equal(whole.Samples, pieces.Samples);
    }

    [Fact]
    public void The_accelerometer_setting_does_not_change_the_discrete_signals()
    {
        var with = new SampleRecorder();
        var without = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options(accelerometerHz: 200)).RunFor(TimeSpan.FromMinutes(20), with);
        new SimulatedLift(LiftProfile.Default, Options(accelerometerHz: 0)).RunFor(TimeSpan.FromMinutes(20), without);

        Assert.Equal(with.Samples.Where(s => s.Set != SignalMask.Acc), without.Samples);
        Assert.DoesNotContain(without.Samples, s => s.Has(SignalMask.Acc));
    }

    [Fact]
    public void Emits_only_changed_signals_and_controller_signals_on_the_controller_tick()
    {
        var sink = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options(accelerometerHz: 0)).RunFor(TimeSpan.FromMinutes(20), sink);

        var state = default(LiftState);
        for (var i = 0; i < sink.Samples.Count; i++)
        {
            var sample = sink.Samples[i];
            var changed = state.Apply(in sample);
            Assert.Equal(sample.Set, changed);
            if (i > 0 && (sample.Set & (SignalMask.Controller | SignalMask.Link)) != 0)
            {
                Assert.Equal(0, sample.TimeMicros % 100_000);
            }

            Assert.True(i == 0 || sample.Set != SignalMask.None);
        }

        Assert.Equal(SignalMask.AllDiscrete, sink.Samples[0].Set);
        Assert.Contains(sink.Samples, s => s.Has(SignalMask.Zone) && s.TimeMicros % 100_000 != 0);
    }

    [Fact]
    public void Signals_a_bridge_carries_are_not_emitted()
    {
        var options = Options();
        options.EmitSignals = SignalMask.Controller | SignalMask.Link;
        var sink = new SampleRecorder();
        var lift = new SimulatedLift(LiftProfile.Default, options);
        lift.RunFor(TimeSpan.FromMinutes(20), sink);

        Assert.All(sink.Samples, s => Assert.Equal(SignalMask.None, s.Set & (SignalMask.Inputs | SignalMask.Acc)));
        Assert.Equal(SignalMask.Controller | SignalMask.Link, sink.Samples[0].Set);

        // The snapshot still carries the inputs for the bridge to present.
        Assert.True(lift.Snapshot.Mains);
        Assert.Throws<InvalidOperationException>(() => lift.EmitSignals = SignalMask.AllDiscrete);
    }

    [Fact]
    public void Accelerometer_samples_arrive_at_the_configured_rate_in_time_order()
    {
        var options = Options(accelerometerHz: 333);
        var sink = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, options).RunFor(TimeSpan.FromSeconds(30), sink);

        var acc = sink.Samples.Where(s => s.Set == SignalMask.Acc).ToList();
        Assert.Equal(30 * 333, acc.Count);
        for (var k = 0; k < acc.Count; k++)
        {
            Assert.Equal((k + 1) * 1_000_000L / 333, acc[k].TimeMicros);
        }

        Assert.False(sink.TimeWentBackwards);
    }

    [Fact]
    public void Time_origin_shifts_every_sample_and_fault_record()
    {
        var options = Options(accelerometerHz: 0);
        options.Faults = [new() { Fault = "controller_fault", AtSeconds = 1 }];
        options.Scenario = SimulationScenario.Traffic;
        options.TrafficCallsPerHour = 0;
        var lift = new SimulatedLift(LiftProfile.Default, options) { TimeOriginMicros = 5_000_000_000 };
        var sink = new SampleRecorder();
        lift.AdvanceTo(5_000_000_000 + 30_000_000, sink);

        Assert.Equal(5_000_000_000, sink.Samples[0].TimeMicros);
        Assert.Equal(5_000_000_000 + 30_000_000, lift.NowMicros);
        Assert.Equal(5_001_000_000, lift.Faults.Records[0].IncidentMicros);
        Assert.Equal(5_000_000_000 + 30_000_000, lift.Snapshot.TimeMicros);
    }

    [Fact]
    public void Stepping_allocates_nothing_in_steady_state()
    {
        var options = Options(accelerometerHz: 200);
        options.Faults = [];
        options.Scenario = SimulationScenario.Traffic;
        options.TrafficCallsPerHour = 200;
        var lift = new SimulatedLift(LiftProfile.Default, options);
        var sink = new CountingWriter();
        lift.RunFor(TimeSpan.FromMinutes(5), sink);

        var before = GC.GetAllocatedBytesForCurrentThread();
        lift.RunFor(TimeSpan.FromMinutes(30), sink);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sink.Count > 30 * 60 * 200);
        Assert.Equal(0, allocated);
    }

    private sealed class CountingWriter : ISampleWriter
    {
        public long Count;

        public bool TryWrite(in LiftSample sample)
        {
            Count++;
            return true;
        }
    }
}
