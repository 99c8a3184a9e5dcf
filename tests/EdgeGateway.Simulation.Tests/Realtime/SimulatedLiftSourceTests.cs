using EdgeGateway.Core.Acquisition;
using EdgeGateway.Core.Lift;
using EdgeGateway.Core.Signals;
using EdgeGateway.Core.Time;
using EdgeGateway.Simulation.Lift;
using EdgeGateway.Simulation.Realtime;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Simulation.Tests.Realtime;

public class SimulatedLiftSourceTests
{
    private sealed class NoHealth : ISensorHealthReporter
    {
        public void Report(string sensor, string? problem) => throw new InvalidOperationException($"unexpected health report {sensor}: {problem}");
    }

    /// <summary>Thread-safe collector; the source writes from its timer continuation.</summary>
    private sealed class Collector : ISampleWriter
    {
        private readonly Lock _lock = new();
        private readonly List<LiftSample> _samples = [];

        public bool TryWrite(in LiftSample sample)
        {
            lock (_lock)
            {
                _samples.Add(sample);
            }

            return true;
        }

        public List<LiftSample> Take()
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    private static SimulationOptions Options() => new() { Scenario = SimulationScenario.Traffic, TrafficCallsPerHour = 600, Seed = 5 };

    [Fact]
    public async Task Advances_with_the_time_provider_and_stamps_samples_on_the_monotonic_clock()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        time.Advance(TimeSpan.FromSeconds(100));
        var lift = new SimulatedLift(LiftProfile.Default, Options());
        var source = new SimulatedLiftSource(lift, clock);
        var sink = new Collector();
        using var cts = new CancellationTokenSource();

        var run = source.RunAsync(sink, new NoHealth(), cts.Token);
        var first = await WaitFor(sink, 1);
        Assert.Equal(100_000_000, first[0].TimeMicros);
        Assert.Equal(SignalMask.AllDiscrete, first[0].Set);

        // One simulated minute in 5 ms ticks of fake time.
        for (var i = 0; i < 12_000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        var all = await WaitFor(sink, 12_000);
        await cts.CancelAsync();
        await run;

        Assert.Equal(160_000_000, lift.NowMicros);
        Assert.All(all, s => Assert.InRange(s.TimeMicros, 100_000_000, 160_000_000));
        for (var i = 1; i < all.Count; i++)
        {
            Assert.True(all[i].TimeMicros >= all[i - 1].TimeMicros);
        }

        // Same samples as the simulation run offline from the same origin.
        var offline = new SampleRecorder();
        new SimulatedLift(LiftProfile.Default, Options()) { TimeOriginMicros = 100_000_000 }.RunFor(TimeSpan.FromMinutes(1), offline);
        Assert.Equal(offline.Samples, all);
    }

    [Fact]
    public async Task Catches_up_after_a_late_tick()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        var lift = new SimulatedLift(LiftProfile.Default, Options());
        var source = new SimulatedLiftSource(lift, clock, TimeSpan.FromMilliseconds(5));
        var sink = new Collector();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, new NoHealth(), cts.Token);
        await WaitFor(sink, 1);

        time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => lift.NowMicros == 10_000_000);
        Assert.Equal(10 * 200, sink.Take().Count(s => s.Set == SignalMask.Acc));

        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Stops_when_cancelled_and_cannot_run_twice_at_once()
    {
        var time = new FakeTimeProvider();
        var source = new SimulatedLiftSource(new SimulatedLift(LiftProfile.Default, Options()), new MonotonicClock(time));
        var sink = new Collector();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, new NoHealth(), cts.Token);
        await WaitFor(sink, 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => source.RunAsync(sink, new NoHealth(), CancellationToken.None));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal("simulator", source.Name);
    }

    [Fact]
    public async Task A_restarted_source_continues_the_same_lift_on_the_same_time_base()
    {
        var time = new FakeTimeProvider();
        var clock = new MonotonicClock(time);
        var lift = new SimulatedLift(LiftProfile.Default, Options());
        var source = new SimulatedLiftSource(lift, clock);
        var sink = new Collector();

        using (var first = new CancellationTokenSource())
        {
            var run = source.RunAsync(sink, new NoHealth(), first.Token);
            await WaitFor(sink, 1);
            time.Advance(TimeSpan.FromSeconds(2));
            await WaitUntil(() => lift.NowMicros == 2_000_000);
            await first.CancelAsync();
            await run;
        }

        time.Advance(TimeSpan.FromSeconds(3));
        using var second = new CancellationTokenSource();
        var again = source.RunAsync(sink, new NoHealth(), second.Token);
        await WaitUntil(() => lift.NowMicros == 5_000_000);
        await second.CancelAsync();
        await again;

        var samples = sink.Take();
        Assert.Single(samples, s => s.Set == SignalMask.AllDiscrete);
        for (var i = 1; i < samples.Count; i++)
        {
            Assert.True(samples[i].TimeMicros >= samples[i - 1].TimeMicros);
        }
    }

    private static async Task<List<LiftSample>> WaitFor(Collector sink, int count)
    {
        List<LiftSample> samples = [];
        await WaitUntil(() => (samples = sink.Take()).Count >= count);
        return samples;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // Bounded: the timer continuations run on the thread pool.
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "condition not reached within 10 s");
    }
}
